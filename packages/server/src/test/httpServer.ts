import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request a test server received, as it arrived on the wire. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** What a test server answers. `json` is serialized; `body` is sent as is. */
export interface Reply {
  readonly status?: number
  readonly headers?: Record<string, string>
  readonly json?: unknown
  readonly body?: string
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>

/** A real HTTP server on 127.0.0.1 with an ephemeral port that records every request. */
export interface TestServer {
  readonly origin: string
  readonly requests: RecordedRequest[]
  /** Requests whose path is `path`. */
  requestsTo(path: string): RecordedRequest[]
  handle(handler: Handler): void
  close(): Promise<void>
}

/** Starts a {@link TestServer}; close it in `afterEach`. */
export async function startServer(handler: Handler): Promise<TestServer> {
  let current = handler
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(recorded)
      Promise.resolve(current(recorded)).then(
        (reply) => {
          const body = reply.json === undefined ? (reply.body ?? '') : JSON.stringify(reply.json)
          res.writeHead(reply.status ?? 200, {
            ...(reply.json === undefined ? {} : { 'content-type': 'application/json' }),
            ...reply.headers,
          })
          res.end(body)
        },
        () => {
          res.writeHead(500)
          res.end()
        },
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address: AddressInfo | string | null = server.address()
  if (address === null || typeof address === 'string') throw new Error('server has no port')
  const { port } = address
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    handle: (next) => {
      current = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A token response body as a client-credentials server sends it. */
export function tokenReply(fields: Record<string, unknown> = {}): Reply {
  return {
    json: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, ...fields },
    headers: { 'cache-control': 'no-store' },
  }
}
