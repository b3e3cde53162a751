import { decodeJwt } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  getOauthUrlQuery,
  getTokenQuery,
  gql,
  openSession,
  refreshQuery,
  runFlow,
  type TestSession,
} from './bwell/testHelpers.ts'
import type { MockBackend } from './server.ts'
import { type MockForTests, startMockForTests } from './testing.ts'
import { insecure, signIn, spaClient, startTestBackend } from './testSupport.ts'

const searchQuery = '{ searchHealthResources { pagingInfo { totalItems } } }'

/** A `latency` wait the test releases itself: no timer, no sleeping. */
class HeldDelays {
  readonly held: { ms: number; release: () => void }[] = []
  #onHold: (() => void) | undefined
  readonly delay = (ms: number) =>
    new Promise<void>((release) => {
      this.held.push({ ms, release })
      this.#onHold?.()
    })
  /** Resolves once the next wait has started. */
  nextHold(): Promise<void> {
    return new Promise((resolve) => {
      this.#onHold = resolve
    })
  }
}

describe('test-mode faults', () => {
  let mock: MockForTests
  let backend: { origins: MockForTests['origins'] }
  let amy: TestSession
  let token: string
  const delays = new HeldDelays()
  beforeAll(async () => {
    mock = await startMockForTests({ delay: delays.delay })
    backend = mock
    amy = await openSession(mock, 'amy.shaw')
    token = (await signIn(mock.origins.medblocks)).tokens.access_token
  })
  afterAll(async () => {
    await mock.close()
  })
  afterEach(async () => {
    await mock.clearFaults()
  })

  const arm = async (body: unknown) => {
    const res = await fetch(`${mock.origins.bwell}/__test__/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: await res.json() }
  }
  const armed = async () =>
    (await (await fetch(`${mock.origins.bwell}/__test__/faults`)).json()).faults as unknown[]

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

  it('should answer searchHealthResources with a 5xx once, in b.well’s error shape, leaving other operations alone', async () => {
    expect(
      (
        await arm({
          kind: 'status',
          target: 'graphql',
          status: 502,
          match: { operation: 'searchHealthResources' },
        })
      ).status,
    ).toBe(201)
    const other = await amy.q(getOauthUrlQuery, { connectionId: 'epic-sandbox' })
    expect(other.status).toBe(200)
    expect(other.body.errors).toBeUndefined()
    const hit = await amy.q(searchQuery)
    expect(hit.status).toBe(502)
    expect(hit.body.data).toBeNull()
    expect(hit.body.errors[0].extensions.code).toBe('500')
    expect(hit.body.errors[0].extensions.resource.issue[0]).toMatchObject({
      severity: 'error',
      code: 'exception',
    })
    const again = await amy.q(searchQuery)
    expect(again.status).toBe(200)
  })

  it('should answer getOauthUrl for one connection id with a 5xx, not for another', async () => {
    await arm({
      kind: 'status',
      target: 'graphql',
      status: 504,
      match: { operation: 'getOauthUrl', connectionId: 'greenleaf-rx' },
    })
    await arm({
      kind: 'status',
      target: 'graphql',
      match: { operation: 'getOauthUrl', connectionId: 'epic-sandbox' },
    })
    expect((await amy.q(getOauthUrlQuery, { connectionId: 'cerner-sandbox' })).status).toBe(200)
    const hit = await amy.q(getOauthUrlQuery, { connectionId: 'epic-sandbox' })
    expect(hit.status).toBe(503)
    expect(hit.body.errors[0].extensions.code).toBe('500')
    expect(await armed()).toHaveLength(1)
  })

  it('should send malformed JSON for the next matching request, `times` times', async () => {
    await arm({
      kind: 'malformedJson',
      target: 'graphql',
      times: 2,
      match: { operation: 'searchHealthResources' },
    })
    for (let i = 0; i < 2; i++) {
      const res = await fetch(mock.graphqlEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${amy.accessToken}` },
        body: JSON.stringify({ query: searchQuery }),
      })
      expect(res.status).toBe(200)
      await expect(res.json()).rejects.toThrow()
    }
    expect((await amy.q(searchQuery)).status).toBe(200)
    expect(await armed()).toEqual([])
  })

  it.each([
    ['searchHealthResources', () => amy.q(searchQuery)],
    ['getOauthUrl', () => amy.q(getOauthUrlQuery, { connectionId: 'epic-sandbox' })],
  ])(
    'should hold a %s answer until the injected latency wait ends, then answer normally',
    async (operation, call) => {
      await arm({
        kind: 'latency',
        target: 'graphql',
        ms: 4000,
        match: { operation, username: 'amy.shaw' },
      })
      const holding = delays.nextHold()
      let settled = false
      const pending = call().then((res) => {
        settled = true
        return res
      })
      await holding
      const wait = delays.held.at(-1)
      expect(wait?.ms).toBe(4000)
      // The request is parked in the fault's wait: nothing can answer it before release().
      await new Promise((resolve) => setImmediate(resolve))
      expect(settled).toBe(false)
      wait?.release()
      const res = await pending
      expect(res.status).toBe(200)
      expect(res.body.errors).toBeUndefined()
      expect(await armed()).toEqual([])
      const heldBefore = delays.held.length
      await call()
      expect(delays.held.length).toBe(heldBefore)
    },
  )

  it('should refuse getToken for the matching user once', async () => {
    await arm({ kind: 'getTokenRefused', match: { username: 'amy.shaw' } })
    const headers = async (username: string) => ({
      authorization: await mock.identityTokenFor(username),
      clientkey: mock.clientKeys.hosted,
    })
    const james = await gql(
      mock.graphqlEndpoint,
      getTokenQuery,
      {},
      await headers('james.chalmers'),
    )
    expect(james.body.errors).toBeUndefined()
    const refused = await gql(mock.graphqlEndpoint, getTokenQuery, {}, await headers('amy.shaw'))
    expect(refused.status).toBe(200)
    expect(refused.body.data).toBeNull()
    expect(refused.body.errors[0].extensions.code).toBe('401')
    expect(refused.body.errors[0].extensions.resource.issue[0].code).toBe('security')
    const next = await gql(mock.graphqlEndpoint, getTokenQuery, {}, await headers('amy.shaw'))
    expect(next.body.errors).toBeUndefined()
  })

  it('should expire a b.well access token early: refused from then on, and refresh recovers', async () => {
    const session = await openSession(mock, 'james.chalmers', mock.clientKeys.customRedirect)
    await arm({ kind: 'bwellTokenExpired', match: { username: 'james.chalmers' } })
    expect((await amy.q(searchQuery)).body.errors).toBeUndefined()
    for (let i = 0; i < 2; i++) {
      const res = await session.q(searchQuery)
      expect(res.body.errors[0].extensions.code).toBe('401')
      expect(res.body.errors[0].message).toMatch(/expired/)
    }
    const refreshed = await gql(
      mock.graphqlEndpoint,
      refreshQuery,
      {},
      {
        refresh_token: session.refreshToken,
        clientkey: mock.clientKeys.customRedirect,
      },
    )
    const fresh = await gql(
      mock.graphqlEndpoint,
      searchQuery,
      {},
      {
        authorization: `Bearer ${refreshed.body.data.refresh.accessToken}`,
      },
    )
    expect(fresh.body.errors).toBeUndefined()
  })

  it('should refuse refresh once for the matching user', async () => {
    const session = await openSession(mock, 'amy.shaw')
    await arm({ kind: 'refreshRefused', match: { username: 'amy.shaw' } })
    const headers = { refresh_token: session.refreshToken, clientkey: mock.clientKeys.hosted }
    const refused = await gql(mock.graphqlEndpoint, refreshQuery, {}, headers)
    expect(refused.body.errors[0].extensions.code).toBe('401')
    const ok = await gql(mock.graphqlEndpoint, refreshQuery, {}, headers)
    expect(ok.body.errors).toBeUndefined()
  })

  it('should add COOP to the portal page only for the matching source', async () => {
    await arm({ kind: 'coop', match: { providerId: 'summit-diagnostics' } })
    const url = async (connectionId: string) =>
      (await amy.q(getOauthUrlQuery, { connectionId })).body.data.getOauthUrl.redirectUrl as string
    const plain = await fetch(await url('riverside-medical-center'))
    expect(plain.headers.get('cross-origin-opener-policy')).toBeNull()
    const res = await fetch(await url('summit-diagnostics'))
    expect(res.status).toBe(200)
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin')
  })

  it('should issue an expired flow JWT for the matching connection, so Allow gives expired', async () => {
    await arm({ kind: 'expiredFlow', match: { connectionId: 'st-marys-regional' } })
    const { finalUrl } = await runFlow(amy, 'st-marys-regional', 'allow')
    expect(new URL(finalUrl).searchParams.get('status_code')).toBe('expired')
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
    const res = await fetch(`${mock.origins.bwell}/__test__/faults?id=${a.body.id}`, {
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

  it('should not have the control routes', async () => {
    const expire = await fetch(`${backend.origins.bwell}/__test__/connections/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId: 'epic-sandbox' }),
    })
    expect(expire.status).toBe(404)
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
