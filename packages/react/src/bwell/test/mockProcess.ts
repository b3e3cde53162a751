// Runs the mock backend in its own Node process for the hook tests: happy-dom (their environment)
// cannot load the mock's server code, and a browser-like app talks to a separate backend anyway.
// Prints one JSON line (endpoints, client keys, credentials, the control URL), then serves a
// loopback control API (identity tokens, the consent step of the OAuth flow, faults) until SIGTERM
// or the parent closes stdin.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  consent,
  type PortalDecision,
  startMockForTests,
} from '@oauth-connect/mock-backend/testing'

const appOrigin = process.argv[2] ?? 'http://localhost:3000'
const mock = await startMockForTests({ appOrigin })

const actions: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
  identity: (body) => mock.identityTokenFor(String(body.username)),
  consent: async (body) =>
    (await consent(String(body.redirectUrl), body.decision as PortalDecision)).finalUrl,
  fault: (body) => mock.fault(body.fault as Parameters<typeof mock.fault>[0]),
  clearFaults: () => mock.clearFaults(),
}

const control = createServer((request, response) => {
  response.setHeader('access-control-allow-origin', '*')
  response.setHeader('access-control-allow-headers', 'content-type')
  if (request.method === 'OPTIONS') {
    response.writeHead(204).end()
    return
  }
  let raw = ''
  request.on('data', (chunk: Buffer) => {
    raw += chunk.toString()
  })
  request.on('end', () => {
    const body = JSON.parse(raw) as Record<string, unknown>
    const action = actions[String(body.action)]
    const reply = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(value))
    }
    if (!action) return reply(400, { error: `unknown action ${String(body.action)}` })
    action(body).then(
      (result) => reply(200, { result: result ?? null }),
      (error: unknown) => reply(500, { error: String(error) }),
    )
  })
})
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve))

async function stop() {
  control.closeAllConnections()
  control.close()
  await mock.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.stdin.on('end', () => void stop())
process.stdin.resume()

process.stdout.write(
  `${JSON.stringify({
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    graphqlEndpoint: mock.graphqlEndpoint,
    origins: mock.origins,
    clientKeys: mock.clientKeys,
    basicCredentials: mock.basicCredentials,
  })}\n`,
)
