import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../clock.ts'
import { signingKey } from '../keys.ts'
import { type MockForTests, startMockForTests } from '../testing.ts'
import { signIn } from '../testSupport.ts'
import { clientKeyContents, encodeClientKey } from './clientKeys.ts'
import { getTokenQuery, gql, openSession, refreshQuery } from './testHelpers.ts'

const start = Date.UTC(2026, 10, 29, 12, 0, 0)
const search = '{ searchHealthResources { pagingInfo { totalItems } } }'
const initSdk = `query($k: String!, $o: String) { initSdk(clientKey: $k, organizationId: $o) {
  graphQLClient { apiUrl authUrl url fetchPolicy cache { maxSizeBytes } }
  httpClient { requestTimeout retry { attempts interval } }
  logLevel telemetry { collectorUrl enabled } } }`

describe('b.well session', () => {
  let mock: MockForTests
  const clock = new ManualClock(start)
  beforeAll(async () => {
    mock = await startMockForTests({ clock })
  })
  afterAll(async () => {
    await mock.close()
  })

  it('should answer initSdk for both seeded keys, without a user', async () => {
    for (const key of [mock.clientKeys.hosted, mock.clientKeys.customRedirect]) {
      const res = await gql(mock.graphqlEndpoint, initSdk, { k: key, o: null })
      expect(res.status).toBe(200)
      expect(res.body.errors).toBeUndefined()
      const config = res.body.data.initSdk
      expect(config.graphQLClient.apiUrl).toBe(mock.graphqlEndpoint)
      expect(['DEBUG', 'ERROR', 'INFO', 'VERBOSE', 'WARN']).toContain(config.logLevel)
      expect(config.telemetry).toEqual({ collectorUrl: mock.origins.bwell, enabled: false })
      expect(new URL(config.telemetry.collectorUrl).origin).toBe(config.telemetry.collectorUrl)
    }
  })

  it('should keep the seeded client keys byte-stable, so the demo and e2e can hard-code them', () => {
    expect(mock.clientKeys).toEqual({
      hosted:
        'eyJlbnYiOiJsb2NhbCIsImNsaWVudElkIjoib2F1dGgtY29ubmVjdC1kZW1vLWhvc3RlZCIsIm9yZ2FuaXphdGlvbklkIjoib2F1dGgtY29ubmVjdCJ9',
      customRedirect:
        'eyJlbnYiOiJsb2NhbCIsImNsaWVudElkIjoib2F1dGgtY29ubmVjdC1kZW1vLXJlZGlyZWN0Iiwib3JnYW5pemF0aW9uSWQiOiJvYXV0aC1jb25uZWN0In0=',
    })
  })

  it('should refuse identityTokenFor a user that is not seeded, with a TypeError and a code', async () => {
    await expect(mock.identityTokenFor('mallory')).rejects.toMatchObject({
      name: 'TypeError',
      code: 'unknown_user',
    })
  })

  it('should decode the seeded keys to base64 JSON with env and clientId', () => {
    const decoded = JSON.parse(Buffer.from(mock.clientKeys.hosted, 'base64').toString('utf8'))
    expect(decoded).toEqual(clientKeyContents.hosted)
    expect(decoded.env).toBe('local')
  })

  it.each([
    ['malformed', 'not base64 at all!', '400', 'value'],
    ['base64 but not JSON', Buffer.from('hello').toString('base64'), '400', 'value'],
    [
      'unknown',
      encodeClientKey({ env: 'local', clientId: 'someone-else', organizationId: 'x' }),
      '401',
      'security',
    ],
  ])(
    'should refuse initSdk for a %s client key in b.well’s error shape',
    async (_, key, code, issue) => {
      const res = await gql(mock.graphqlEndpoint, initSdk, { k: key })
      expect(res.status).toBe(200)
      expect(res.body.data).toBeNull()
      const [error] = res.body.errors
      expect(error.extensions.code).toBe(code)
      expect(error.extensions.resource.resourceType).toBe('OperationOutcome')
      expect(error.extensions.resource.issue[0]).toMatchObject({ severity: 'error', code: issue })
      expect(typeof error.extensions.resource.issue[0].details.text).toBe('string')
    },
  )

  it('should refuse initSdk with another organization’s id (403 forbidden)', async () => {
    const res = await gql(mock.graphqlEndpoint, initSdk, {
      k: mock.clientKeys.hosted,
      o: 'other-org',
    })
    expect(res.body.errors[0].extensions.code).toBe('403')
    expect(res.body.errors[0].extensions.resource.issue[0].code).toBe('forbidden')
  })

  it('should exchange the raw identity token for b.well’s RS256 tokens with the user claims', async () => {
    const session = await openSession(mock, 'amy.shaw')
    const key = await signingKey('bwell')
    const jwks = createLocalJWKSet({ keys: [key.publicJwk] })
    const access = await jwtVerify(session.accessToken, jwks, {
      algorithms: ['RS256'],
      issuer: mock.origins.bwell,
      currentDate: new Date(clock.now()),
    })
    expect(decodeProtectedHeader(session.accessToken).alg).toBe('RS256')
    expect(access.payload.exp).toBe(Math.floor(start / 1000) + 120)
    const id = decodeJwt(session.idToken)
    expect(id['custom:bwellFhirPatientId']).toMatch(/^bwell-patient-/)
    expect(id['custom:clientFhirPersonId']).toBe('amy-shaw')
    expect(id.sub).toBe(access.payload.sub)
    expect(session.refreshToken.length).toBeGreaterThan(40)
    const ok = await session.q(search)
    expect(ok.body.data.searchHealthResources.pagingInfo.totalItems).toBeGreaterThan(0)
  })

  it('should accept the ID token a real Medblocks sign-in returns', async () => {
    // The process clock here: a real sign-in stamps its tokens with it.
    const live = await startMockForTests()
    try {
      const { tokens } = await signIn(live.origins.medblocks)
      const res = await gql(
        live.graphqlEndpoint,
        getTokenQuery,
        {},
        {
          authorization: tokens.id_token ?? '',
          clientkey: live.clientKeys.customRedirect,
        },
      )
      expect(res.body.errors).toBeUndefined()
      expect(res.body.data.getToken.accessToken.jwtToken).toMatch(/^ey/)
      // The Medblocks access token is for the FHIR audience, not this client: refused.
      const wrong = await gql(
        live.graphqlEndpoint,
        getTokenQuery,
        {},
        {
          authorization: tokens.access_token,
          clientkey: live.clientKeys.customRedirect,
        },
      )
      expect(wrong.body.errors[0].extensions.code).toBe('401')
      expect(wrong.body.errors[0].message).toMatch(/"aud" claim/)
    } finally {
      await live.close()
    }
  })

  it.each([
    [
      'a Bearer prefix',
      async (m: MockForTests) => `Bearer ${await m.identityTokenFor('amy.shaw')}`,
      /without 'Bearer '/,
    ],
    [
      'an expired token',
      (m: MockForTests) => m.identityTokenFor('amy.shaw', { expiresInSeconds: -5 }),
      /expired/,
    ],
    ['no token', async () => '', /identity provider's token/],
    [
      'a token b.well issued',
      async (m: MockForTests) => (await openSession(m)).accessToken,
      /not accepted/,
    ],
  ])('should refuse getToken with %s (401 security)', async (_, token, message) => {
    const authorization = await token(mock)
    const res = await gql(
      mock.graphqlEndpoint,
      getTokenQuery,
      {},
      {
        ...(authorization ? { authorization } : {}),
        clientkey: mock.clientKeys.hosted,
      },
    )
    expect(res.body.data).toBeNull()
    expect(res.body.errors[0].extensions.code).toBe('401')
    expect(res.body.errors[0].extensions.resource.issue[0].code).toBe('security')
    expect(res.body.errors[0].message).toMatch(message)
  })

  it('should refuse getToken without a client key or with an unknown one', async () => {
    const identity = await mock.identityTokenFor('amy.shaw')
    for (const headers of [
      { authorization: identity },
      { authorization: identity, clientkey: 'bm9wZQ==' },
    ]) {
      const res = await gql(mock.graphqlEndpoint, getTokenQuery, {}, headers)
      expect(res.body.errors[0].extensions.code).toBe('401')
      expect(res.body.errors[0].message).toMatch(/clientkey/)
    }
  })

  it('should require a b.well bearer on every other operation', async () => {
    const identity = await mock.identityTokenFor('amy.shaw')
    for (const authorization of [undefined, identity, `Bearer ${identity}`, 'Bearer nope']) {
      const res = await gql(
        mock.graphqlEndpoint,
        search,
        {},
        authorization ? { authorization } : {},
      )
      expect(res.status).toBe(200)
      expect(res.body.data).toBeNull()
      expect(res.body.errors[0].extensions.code).toBe('401')
      expect(res.body.errors[0].extensions.resource.issue[0].code).toBe('security')
    }
  })

  it('should refuse an access token after its exp, and refresh with the same refresh token twice', async () => {
    const session = await openSession(mock, 'james.chalmers', mock.clientKeys.customRedirect)
    clock.advance(121_000)
    const expired = await session.q(search)
    expect(expired.body.errors[0].extensions.code).toBe('401')
    expect(expired.body.errors[0].message).toMatch(/expired/)
    const headers = {
      refresh_token: session.refreshToken,
      clientkey: mock.clientKeys.customRedirect,
    }
    const first = await gql(mock.graphqlEndpoint, refreshQuery, {}, headers)
    expect(first.body.errors).toBeUndefined()
    const { accessToken, idToken } = first.body.data.refresh
    expect(decodeJwt(idToken)['custom:clientFhirPersonId']).toBe('james-chalmers')
    const fresh = await gql(
      mock.graphqlEndpoint,
      search,
      {},
      { authorization: `Bearer ${accessToken}` },
    )
    expect(fresh.body.errors).toBeUndefined()
    clock.advance(121_000)
    const second = await gql(mock.graphqlEndpoint, refreshQuery, {}, headers)
    expect(second.body.errors).toBeUndefined()
    expect(second.body.data.refresh.accessToken).not.toBe(accessToken)
  })

  it('should refuse refresh for another client key, an unknown token or no headers', async () => {
    const session = await openSession(mock, 'amy.shaw', mock.clientKeys.hosted)
    for (const headers of [
      { refresh_token: session.refreshToken, clientkey: mock.clientKeys.customRedirect },
      { refresh_token: 'unknown', clientkey: mock.clientKeys.hosted },
      { refresh_token: session.refreshToken },
      {},
    ]) {
      const res = await gql(mock.graphqlEndpoint, refreshQuery, {}, headers)
      expect(res.body.data).toBeNull()
      expect(res.body.errors[0].extensions.code).toBe('401')
    }
  })

  it('should log a seeded user in with login(email, password) and the ClientKey header', async () => {
    const query = `query($e: String!, $p: String!) { login(email: $e, password: $p) {
      accessToken { jwtToken } idToken { jwtToken } refreshToken { token } } }`
    const ok = await gql(
      mock.graphqlEndpoint,
      query,
      { e: 'amy.shaw@example.com', p: 'amy-password' },
      {
        clientkey: mock.clientKeys.hosted,
      },
    )
    expect(decodeJwt(ok.body.data.login.idToken.jwtToken)['custom:clientFhirPersonId']).toBe(
      'amy-shaw',
    )
    const bad = await gql(
      mock.graphqlEndpoint,
      query,
      { e: 'amy.shaw@example.com', p: 'nope' },
      {
        clientkey: mock.clientKeys.hosted,
      },
    )
    expect(bad.body.errors[0].extensions.code).toBe('401')
  })

  it('should allow the app origin’s preflight for authorization, clientkey, refresh_token, content-type', async () => {
    const preflight = await fetch(mock.graphqlEndpoint, {
      method: 'OPTIONS',
      headers: {
        origin: mock.origins.app,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,clientkey,refresh_token,content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(mock.origins.app)
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').split(/,\s*/)
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'clientkey', 'refresh_token', 'content-type']),
    )
    const foreign = await fetch(mock.graphqlEndpoint, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5174', 'access-control-request-method': 'POST' },
    })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })
})
