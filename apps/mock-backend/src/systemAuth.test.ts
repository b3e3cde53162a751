import { createHash } from 'node:crypto'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from './clock.ts'
import { type MockBackend, startMockBackend } from './server.ts'
import { loopbackOrigins, startTestBackend } from './testSupport.ts'

const form = 'application/x-www-form-urlencoded'

describe('b.well system auth', () => {
  let backend: MockBackend
  beforeAll(async () => {
    backend = await startTestBackend()
  })
  afterAll(async () => {
    await backend.close()
  })

  const token = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${backend.origins.bwell}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': form, ...headers },
      body,
    })

  it('should publish discovery with its issuer and token endpoint', async () => {
    const doc = await (
      await fetch(`${backend.origins.bwell}/.well-known/openid-configuration`)
    ).json()
    expect(doc).toMatchObject({
      issuer: backend.origins.bwell,
      token_endpoint: `${backend.origins.bwell}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    })
  })

  it('should issue a token for form-body client credentials and accept it on /fhir/metadata', async () => {
    const res = await token(
      'grant_type=client_credentials&client_id=bwell-backend&client_secret=bwell-backend-secret&scope=system%2F*.read',
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await res.json()
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'system/*.read' })
    const jwks = createRemoteJWKSet(new URL(`${backend.origins.bwell}/.well-known/jwks.json`))
    const { payload } = await jwtVerify(body.access_token, jwks, {
      issuer: backend.origins.bwell,
      algorithms: ['RS256'],
    })
    expect(payload.sub).toBe('bwell-backend')
    const meta = await fetch(`${backend.origins.bwell}/fhir/metadata`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    })
    expect(meta.status).toBe(200)
    expect(await meta.json()).toMatchObject({ resourceType: 'CapabilityStatement' })
  })

  it('should refuse /fhir/metadata without a system token', async () => {
    const res = await fetch(`${backend.origins.bwell}/fhir/metadata`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
  })

  it.each([
    [
      'grant_type=client_credentials&client_id=bwell-backend&client_secret=wrong',
      401,
      'invalid_client',
    ],
    [
      'grant_type=client_credentials&client_id=someone&client_secret=bwell-backend-secret',
      401,
      'invalid_client',
    ],
    ['grant_type=client_credentials&client_id=bwell-backend', 401, 'invalid_client'],
    [
      'grant_type=password&client_id=bwell-backend&client_secret=bwell-backend-secret',
      400,
      'unsupported_grant_type',
    ],
    ['client_id=bwell-backend&client_secret=bwell-backend-secret', 400, 'invalid_request'],
    ['grant_type=client_credentials&grant_type=client_credentials', 400, 'invalid_request'],
    [
      'grant_type=client_credentials&client_id=bwell-backend&client_secret=bwell-backend-secret&scope=user%2F*.write',
      400,
      'invalid_scope',
    ],
  ])('should answer %s with %i %s', async (body, status, error) => {
    const res = await token(body)
    expect(res.status).toBe(status)
    expect(await res.json()).toMatchObject({ error })
  })

  it('should refuse Basic credentials and a JSON body for this client_secret_post client', async () => {
    const basic = Buffer.from('bwell-backend:bwell-backend-secret').toString('base64')
    const res = await token('grant_type=client_credentials', { authorization: `Basic ${basic}` })
    expect(res.status).toBe(401)
    const json = await fetch(`${backend.origins.bwell}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials"}',
    })
    expect(json.status).toBe(400)
    expect(await json.json()).toMatchObject({ error: 'invalid_request' })
  })
})

describe('OpesCare Connect', () => {
  let backend: MockBackend
  // The heartbeat's skew is checked against this clock, never the machine's.
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 12, 0, 0))
  const seconds = () => Math.floor(clock.now() / 1000)
  beforeAll(async () => {
    backend = await startMockBackend(loopbackOrigins, { clock })
  })
  afterAll(async () => {
    await backend.close()
  })

  const token = (body: unknown, contentType = 'application/json') =>
    fetch(`${backend.origins.opescare}/api/v1/connect/auth/token`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const good = {
    grant_type: 'client_credentials',
    client_id: 'opescare-backend',
    client_secret: 'opescare-backend-secret',
  }

  it('should issue an RS256 JWT with the allowed scopes, one hour, verifiable with its JWKS', async () => {
    const res = await token(good)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'health_id:verify patients:read consents:read',
    })
    const jwks = createRemoteJWKSet(new URL(`${backend.origins.opescare}/.well-known/jwks.json`))
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, {
      issuer: backend.origins.opescare,
      algorithms: ['RS256'],
    })
    expect(protectedHeader.alg).toBe('RS256')
    expect(payload.aud).toBe(`${backend.origins.opescare}/api`)
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600)
    expect(payload.scope).toBe('health_id:verify patients:read consents:read')
    const narrowed = await (await token({ ...good, scope: 'patients:read' })).json()
    expect(decodeJwt(narrowed.access_token).scope).toBe('patients:read')
    const meta = await fetch(`${backend.origins.opescare}/api/fhir/R4/metadata`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    })
    expect(meta.status).toBe(200)
    expect(await meta.json()).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
    })
  })

  it('should refuse a metadata call without a token or with another server’s token', async () => {
    expect((await fetch(`${backend.origins.opescare}/api/fhir/R4/metadata`)).status).toBe(401)
    const bwell = await fetch(`${backend.origins.bwell}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': form },
      body: 'grant_type=client_credentials&client_id=bwell-backend&client_secret=bwell-backend-secret',
    })
    const { access_token } = await bwell.json()
    const res = await fetch(`${backend.origins.opescare}/api/fhir/R4/metadata`, {
      headers: { authorization: `Bearer ${access_token}` },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
  })

  it.each([
    [{ ...good, client_secret: 'wrong' }, 401, 'invalid_client'],
    [{ ...good, client_id: 'bwell-backend' }, 401, 'invalid_client'],
    [{ grant_type: 'client_credentials' }, 401, 'invalid_client'],
    [{ ...good, grant_type: 'password' }, 400, 'unsupported_grant_type'],
    [{ client_id: 'opescare-backend' }, 400, 'invalid_request'],
    [{ ...good, scope: 'admin' }, 400, 'invalid_scope'],
    [{ ...good, scope: 5 }, 400, 'invalid_request'],
    ['{"', 400, 'invalid_request'],
    ['[]', 400, 'invalid_request'],
    ['null', 400, 'invalid_request'],
  ])('should answer %j with %i %s', async (body, status, error) => {
    const res = await token(body)
    expect(res.status).toBe(status)
    expect(await res.json()).toMatchObject({ error })
  })

  it('should refuse a form body', async () => {
    const res = await token(new URLSearchParams(good).toString(), form)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_request' })
  })

  const heartbeat = (headers: Record<string, string>) =>
    fetch(`${backend.origins.opescare}/api/v1/bridge/heartbeat`, { method: 'POST', headers })
  const now = () => String(seconds())

  it('should accept a bridge heartbeat with the right key and a current timestamp', async () => {
    const res = await heartbeat({
      'x-bridge-agent-id': 'bridge-agent-1',
      'x-bridge-agent-key': 'bridge-agent-key-1',
      'x-bridge-timestamp': now(),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok', agentId: 'bridge-agent-1' })
  })

  it.each([
    ['a wrong key', { 'x-bridge-agent-key': 'bridge-agent-key-2' }],
    [
      'the stored hash sent as the key',
      { 'x-bridge-agent-key': createHash('sha256').update('bridge-agent-key-1').digest('hex') },
    ],
    ['an unknown agent', { 'x-bridge-agent-id': 'bridge-agent-9' }],
    ['a timestamp 301 s old', -301],
    ['a timestamp 301 s ahead', 301],
    ['milliseconds', { 'x-bridge-timestamp': String(clock.now()) }],
    ['a non-numeric timestamp', { 'x-bridge-timestamp': '2026-01-01T00:00:00Z' }],
    ['a missing timestamp', { 'x-bridge-timestamp': '' }],
  ])(
    'should refuse a heartbeat with %s',
    async (_name, override: Record<string, string> | number) => {
      const headers: Record<string, string> = {
        'x-bridge-agent-id': 'bridge-agent-1',
        'x-bridge-agent-key': 'bridge-agent-key-1',
        'x-bridge-timestamp': typeof override === 'number' ? String(seconds() + override) : now(),
        ...(typeof override === 'number' ? {} : override),
      }
      const res = await heartbeat(
        Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')),
      )
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ error: 'unauthorized' })
    },
  )

  it.each([-300, 300])(
    'should accept a timestamp %i s away (the edge of the skew)',
    async (offset) => {
      const res = await heartbeat({
        'x-bridge-agent-id': 'bridge-agent-1',
        'x-bridge-agent-key': 'bridge-agent-key-1',
        'x-bridge-timestamp': String(seconds() + offset),
      })
      expect(res.status).toBe(200)
    },
  )

  it('should judge the skew by the server clock: a timestamp goes stale as the clock moves', async () => {
    const sent = now()
    const headers = {
      'x-bridge-agent-id': 'bridge-agent-1',
      'x-bridge-agent-key': 'bridge-agent-key-1',
      'x-bridge-timestamp': sent,
    }
    expect((await heartbeat(headers)).status).toBe(200)
    clock.advance(301_000)
    expect((await heartbeat(headers)).status).toBe(401)
  })
})
