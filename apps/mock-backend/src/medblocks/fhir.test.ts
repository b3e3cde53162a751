import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signingKey } from '../keys.ts'
import type { MockBackend } from '../server.ts'
import { signIn, startTestBackend } from '../testSupport.ts'

const app = 'http://localhost:5173'

describe('medblocks /fhir/Patient', () => {
  let backend: MockBackend
  let amy: string
  let james: string
  beforeAll(async () => {
    backend = await startTestBackend()
    amy = (await signIn(backend.origins.medblocks)).tokens.access_token
    james = (await signIn(backend.origins.medblocks, 'james.chalmers', 'james-password')).tokens
      .access_token
  })
  afterAll(async () => {
    await backend.close()
  })

  const patient = (token?: string, origin?: string) =>
    fetch(`${backend.origins.medblocks}/fhir/Patient`, {
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(origin ? { origin } : {}),
      },
    })

  it('should return a searchset Bundle with the signed-in user’s Patient', async () => {
    const res = await patient(amy, app)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/)
    expect(res.headers.get('access-control-allow-origin')).toBe(app)
    const bundle = await res.json()
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 })
    expect(bundle.entry[0].resource).toMatchObject({
      resourceType: 'Patient',
      birthDate: '1987-02-20',
      identifier: [{ system: 'http://hospital.example.org/mrn', value: 'AMY-1001' }],
      name: [{ text: 'Amy V. Shaw' }],
    })
    const other = await (await patient(james)).json()
    expect(other.entry[0].resource).toMatchObject({
      birthDate: '1974-12-25',
      identifier: [{ value: 'JAMES-1002' }],
      name: [{ text: 'James Chalmers' }],
    })
  })

  it('should answer a missing, forged, foreign or expired token with 401 invalid_token', async () => {
    const key = await signingKey('medblocks')
    const issuer = backend.origins.medblocks
    const sign = (claims: { aud?: string; exp?: number }, typ = 'at+jwt') =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', typ, kid: key.kid })
        .setIssuer(issuer)
        .setSubject('amy.shaw')
        .setAudience(claims.aud ?? `${issuer}/fhir`)
        .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 60)
        .sign(key.privateKey)
    const [header, payload] = amy.split('.')
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`
    const cases = [
      undefined,
      'garbage',
      `${header}.${payload}.AAAA`,
      noneAlg,
      await sign({ exp: Math.floor(Date.now() / 1000) - 10 }),
      await sign({ aud: 'http://127.0.0.1:1/other' }),
      await sign({}, 'JWT'),
    ]
    for (const token of cases) {
      const res = await patient(token, app)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/)
      expect(res.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/)
    }
    // The same signing path with valid claims passes, so the cases above fail for their flaw.
    expect((await patient(await sign({}))).status).toBe(200)
  })

  it('should answer the CORS preflight for Authorization from the app origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${backend.origins.medblocks}/fhir/Patient`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      })
    const ok = await preflight(app)
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe(app)
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/)
    const evil = await preflight('http://evil.example')
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
  })
})
