import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Origins } from './config.ts'

export interface MockBackend {
  origins: Origins
  close(): Promise<void>
}

function health(service: string): RequestListener {
  return (req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ status: 'ok', service }))
      return
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: 'not_found' }))
  }
}

function listen(server: Server, origin: string): Promise<string> {
  const url = new URL(origin)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(Number(url.port), url.hostname, () => {
      const { port } = server.address() as AddressInfo
      resolve(`${url.protocol}//${url.hostname}:${port}`)
    })
  })
}

/**
 * Starts the four stand-ins. A port of `0` in an origin picks a free port; the returned
 * `origins` hold the real ones.
 */
export async function startMockBackend(origins: Origins): Promise<MockBackend> {
  const services = ['bwell', 'portal', 'medblocks', 'opescare'] as const
  const servers = services.map((name) => createServer(health(name)))
  const bound: Origins = { ...origins }
  try {
    for (const [index, name] of services.entries()) {
      bound[name] = await listen(servers[index] as Server, origins[name])
    }
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
    throw error
  }
  return {
    origins: bound,
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections()
              s.close(() => resolve())
            }),
        ),
      ).then(() => undefined),
  }
}
