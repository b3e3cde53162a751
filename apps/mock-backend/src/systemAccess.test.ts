import { afterEach, describe, expect, it } from 'vitest'
import type { MockBackend } from './server.ts'
import { startTestBackend } from './testSupport.ts'

describe('GET /system-access/status', () => {
  let backend: MockBackend
  afterEach(async () => {
    await backend?.close()
  })

  it('should report a client-credentials token for all three vendors, without the token', async () => {
    backend = await startTestBackend()
    const res = await fetch(`${backend.origins.bwell}/system-access/status`, {
      headers: { origin: 'http://localhost:5173' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    const text = await res.text()
    const body = JSON.parse(text)
    expect(body.systems).toEqual([
      expect.objectContaining({
        id: 'bwell',
        ok: true,
        tokenType: 'Bearer',
        scope: 'system/*.read',
        auth: 'client_secret_post',
      }),
      expect.objectContaining({
        id: 'medblocks',
        ok: true,
        tokenType: 'Bearer',
        auth: 'client_secret_basic',
      }),
      expect.objectContaining({
        id: 'opescare',
        ok: true,
        tokenType: 'Bearer',
        scope: 'health_id:verify patients:read consents:read',
        auth: 'json_body',
      }),
    ])
    for (const system of body.systems) {
      expect(system.expiresIn).toBeGreaterThan(3500)
      expect(Date.parse(system.expiresAt)).toBeGreaterThan(Date.now())
    }
    expect(text).not.toMatch(/eyJ|backend-secret|access_token/)
  })

  it('should report a failure by code when a vendor refuses, and keep the others', async () => {
    backend = await startTestBackend(true)
    await fetch(`${backend.origins.bwell}/__test__/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', target: 'opescareToken', status: 503 }),
    })
    const body = await (await fetch(`${backend.origins.bwell}/system-access/status`)).json()
    const [bwell, medblocks, opescare] = body.systems
    expect(bwell.ok).toBe(true)
    expect(medblocks.ok).toBe(true)
    expect(opescare).toMatchObject({ ok: false, error: { code: expect.any(String) } })
    expect(opescare).not.toHaveProperty('tokenType')
  })
})
