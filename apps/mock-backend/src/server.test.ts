import { afterEach, describe, expect, it } from 'vitest'
import { type MockBackend, startMockBackend } from './server.ts'

const loopback = {
  bwell: 'http://127.0.0.1:0',
  portal: 'http://127.0.0.1:0',
  medblocks: 'http://127.0.0.1:0',
  opescare: 'http://127.0.0.1:0',
  app: 'http://localhost:5173',
}

describe('mock backend', () => {
  let backend: MockBackend | undefined
  afterEach(async () => {
    await backend?.close()
    backend = undefined
  })

  it('should answer /health on every origin, each on its own port', async () => {
    backend = await startMockBackend(loopback)
    const { app, ...services } = backend.origins
    const ports = new Set(Object.values(services).map((o) => new URL(o).port))
    expect(ports.size).toBe(4)
    for (const [name, origin] of Object.entries(services)) {
      const res = await fetch(`${origin}/health`)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ status: 'ok', service: name })
    }
  })

  it('should answer unknown routes with a JSON 404 on every origin, in and out of test mode', async () => {
    for (const testMode of [false, true]) {
      backend = await startMockBackend(loopback, { testMode })
      const { app: _app, ...services } = backend.origins
      for (const [name, origin] of Object.entries(services)) {
        for (const [method, path] of [
          ['GET', '/nope'],
          ['POST', '/nope/deeper'],
          ['GET', '/logos/epic-sandbox.svg'],
          ['DELETE', '/v2/graphql'],
        ] as const) {
          const res = await fetch(`${origin}${path}`, { method })
          expect(`${name} ${method} ${path} ${res.status}`).toBe(`${name} ${method} ${path} 404`)
          expect(res.headers.get('content-type')).toMatch(/^application\/json/)
          expect(await res.json()).toEqual({ error: 'not_found' })
        }
      }
      await backend.close()
      backend = undefined
    }
  })
})
