import { decodeJwt } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MockBackend } from './server.ts'
import { formOf, insecure, location, signIn, spaClient, startTestBackend } from './testSupport.ts'

describe('test-mode faults', () => {
  let backend: MockBackend
  let token: string
  beforeAll(async () => {
    backend = await startTestBackend(true)
    token = (await signIn(backend.origins.medblocks)).tokens.access_token
  })
  afterAll(async () => {
    await backend.close()
  })
  afterEach(async () => {
    await fetch(`${backend.origins.bwell}/__test__/faults`, { method: 'DELETE' })
  })

  const arm = async (body: unknown) => {
    const res = await fetch(`${backend.origins.bwell}/__test__/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: await res.json() }
  }
  const armed = async () =>
    (await (await fetch(`${backend.origins.bwell}/__test__/faults`)).json()).faults as unknown[]
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    fetch(`${backend.origins.bwell}/v1/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    })
  const createConnection = async (providerId = 'riverside-medical-center'): Promise<string> => {
    const res = await gql('mutation($p: ID!) { createConnection(providerId: $p) { id } }', {
      p: providerId,
    })
    return (await res.json()).data.createConnection.id
  }
  const oauthUrl = async (connectionId: string): Promise<string> => {
    const res = await gql('query($c: String!) { getOauthUrl(connectionId: $c) { redirectUrl } }', {
      c: connectionId,
    })
    return (await res.json()).data.getOauthUrl.redirectUrl
  }

  it.each([
    [{}, '"kind"'],
    [{ kind: 'explode' }, '"kind"'],
    [{ kind: 'status' }, '"target"'],
    [{ kind: 'status', target: 'everything' }, '"target"'],
    [{ kind: 'coop', target: 'portal' }, '"target"'],
    [{ kind: 'latency', target: 'graphql', ms: 60_000 }, '"ms"'],
    [{ kind: 'status', target: 'graphql', status: 200 }, '"status"'],
    [{ kind: 'status', target: 'graphql', times: 0 }, '"times"'],
    [{ kind: 'status', target: 'graphql', match: { user: 'x' } }, '"match.user"'],
    [{ kind: 'status', target: 'graphql', match: { username: 5 } }, '"match.username"'],
    [[], 'JSON object'],
  ])('should refuse the fault %j naming %s', async (body, field) => {
    const res = await arm(body)
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('invalid_request')
    expect(res.body.error_description).toContain(field)
  })

  it('should answer a matching GraphQL operation with a 5xx once, leaving other operations alone', async () => {
    const id = await createConnection()
    const other = await createConnection()
    expect(
      (
        await arm({
          kind: 'status',
          target: 'graphql',
          status: 502,
          match: { operation: 'getOauthUrl', connectionId: id },
        })
      ).status,
    ).toBe(201)
    const hitOther = await gql(
      'query($c: String!) { getOauthUrl(connectionId: $c) { redirectUrl } }',
      { c: other },
    )
    expect(hitOther.status).toBe(200)
    const search = await gql('{ searchProviders(query: "") { id } }')
    expect(search.status).toBe(200)
    const hit = await gql(`{ getOauthUrl(connectionId: "${id}") { redirectUrl } }`)
    expect(hit.status).toBe(502)
    expect((await hit.json()).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR')
    const again = await gql(`{ getOauthUrl(connectionId: "${id}") { redirectUrl } }`)
    expect(again.status).toBe(200)
  })

  it('should match getOauthUrl by the provider of the connection it names', async () => {
    const greenleaf = await createConnection('greenleaf-rx')
    const other = await createConnection('summit-diagnostics')
    await arm({
      kind: 'status',
      target: 'graphql',
      match: { operation: 'getOauthUrl', providerId: 'greenleaf-rx' },
    })
    const query = 'query($c: String!) { getOauthUrl(connectionId: $c) { redirectUrl } }'
    expect((await gql(query, { c: other })).status).toBe(200)
    expect((await gql(query, { c: greenleaf })).status).toBe(503)
  })

  it('should send malformed JSON for the next matching request, `times` times', async () => {
    await arm({
      kind: 'malformedJson',
      target: 'graphql',
      times: 2,
      match: { operation: 'searchProviders' },
    })
    for (let i = 0; i < 2; i++) {
      const res = await gql('{ searchProviders(query: "") { id } }')
      expect(res.status).toBe(200)
      await expect(res.json()).rejects.toThrow()
    }
    expect((await gql('{ searchProviders(query: "") { id } }')).status).toBe(200)
    expect(await armed()).toEqual([])
  })

  it('should add latency and then answer normally, consuming the fault', async () => {
    await arm({ kind: 'latency', target: 'graphql', ms: 20, match: { username: 'amy.shaw' } })
    expect(await armed()).toHaveLength(1)
    const res = await gql('{ searchProviders(query: "") { id } }')
    expect(res.status).toBe(200)
    expect(await armed()).toEqual([])
  })

  it('should add COOP to the portal page only for the matching provider', async () => {
    await arm({ kind: 'coop', match: { providerId: 'summit-diagnostics' } })
    const plain = await fetch(await oauthUrl(await createConnection('riverside-medical-center')))
    expect(plain.headers.get('cross-origin-opener-policy')).toBeNull()
    const res = await fetch(await oauthUrl(await createConnection('summit-diagnostics')))
    expect(res.status).toBe(200)
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin')
  })

  it('should issue an expired flow JWT for the matching connection, so Allow gives expired', async () => {
    const id = await createConnection()
    await arm({ kind: 'expiredFlow', match: { connectionId: id } })
    const url = await oauthUrl(id)
    const { action, fields } = formOf(await (await fetch(url)).text())
    const decided = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, decision: 'allow' }).toString(),
    })
    const callbackUrl = location(decided, url)
    const done = await fetch(callbackUrl, { redirect: 'manual' })
    expect(new URL(location(done, callbackUrl)).searchParams.get('status_code')).toBe('expired')
  })

  it('should shorten the next access token for the matching user, then refresh normally', async () => {
    await arm({ kind: 'shortTokenLifetime', seconds: 2, match: { username: 'james.chalmers' } })
    const amy = await signIn(backend.origins.medblocks)
    expect(amy.tokens.expires_in).toBe(3599)
    const james = await signIn(backend.origins.medblocks, 'james.chalmers', 'james-password')
    expect(james.tokens.expires_in).toBe(2)
    const claims = decodeJwt(james.tokens.access_token)
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(2)
    const res = await oauth.refreshTokenGrantRequest(
      james.as,
      spaClient,
      oauth.None(),
      james.tokens.refresh_token ?? '',
      insecure,
    )
    const refreshed = await oauth.processRefreshTokenResponse(james.as, spaClient, res)
    expect(refreshed.expires_in).toBe(3599)
  })

  it('should answer /fhir/Patient with 401 invalid_token for the matching user', async () => {
    await arm({
      kind: 'status',
      target: 'fhirPatient',
      status: 401,
      match: { username: 'amy.shaw' },
    })
    const call = () =>
      fetch(`${backend.origins.medblocks}/fhir/Patient`, {
        headers: { authorization: `Bearer ${token}` },
      })
    const first = await call()
    expect(first.status).toBe(401)
    expect(first.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    expect((await call()).status).toBe(200)
  })

  it('should fail the system token endpoints on demand', async () => {
    await arm({ kind: 'status', target: 'opescareToken', status: 503 })
    const res = await fetch(`${backend.origins.opescare}/api/v1/connect/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'opescare-backend',
        client_secret: 'opescare-backend-secret',
      }),
    })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: 'server_error' })
  })

  it('should fail the Medblocks token endpoint and the hosted page on demand', async () => {
    await arm({ kind: 'status', target: 'medblocksToken', status: 500 })
    const res = await fetch(`${backend.origins.medblocks}/oauth2/token`, {
      method: 'POST',
      headers: {
        origin: 'http://localhost:5173',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=oauth-connect-demo',
    })
    expect(res.status).toBe(500)
    // The app can still read the failure: the fault keeps CORS for its origin.
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(await res.json()).toMatchObject({ error: 'server_error' })
    await arm({ kind: 'status', target: 'complete', status: 502 })
    const page = await fetch(`${backend.origins.bwell}/oauth/complete?status_code=success`)
    expect(page.status).toBe(502)
  })

  it('should disarm one fault by id', async () => {
    const a = await arm({ kind: 'coop', match: { providerId: 'greenleaf-rx' } })
    await arm({ kind: 'coop', match: { providerId: 'summit-diagnostics' } })
    const res = await fetch(`${backend.origins.bwell}/__test__/faults?id=${a.body.id}`, {
      method: 'DELETE',
    })
    expect(await res.json()).toEqual({ cleared: 1 })
    expect(await armed()).toHaveLength(1)
  })
})

describe('faults outside test mode', () => {
  let backend: MockBackend
  beforeAll(async () => {
    backend = await startTestBackend(false)
  })
  afterAll(async () => {
    await backend.close()
  })

  it('should not have the control route', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await fetch(`${backend.origins.bwell}/__test__/faults`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ kind: 'coop' }) } : {}),
      })
      expect(res.status).toBe(404)
    }
  })
})
