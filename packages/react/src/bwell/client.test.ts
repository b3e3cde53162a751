// @vitest-environment node
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { type BwellClient, createBwellClient } from './client.ts'
import { bwellDocuments } from './documents.ts'
import { BwellError, isRetryableBwellError } from './errors.ts'
import { failure } from './test/failure.ts'
import { bwellError, fakeJwt, type Stub, startStub } from './test/stubServer.ts'

let stub: Stub
let clock: number
let identity: string
let issued: number

beforeAll(async () => {
  stub = await startStub()
})

afterAll(async () => {
  await stub.close()
})

beforeEach(() => {
  clock = 1_800_000_000_000
  identity = 'idp-token-alice'
  issued = 0
  stub.reset()
  // b.well's session: one-hour access tokens, numbered so a test can tell them apart.
  stub.on('getToken', () => {
    issued += 1
    return {
      json: {
        data: {
          getToken: {
            accessToken: { jwtToken: fakeJwt({ exp: clock / 1000 + 3600, n: issued }) },
            idToken: { jwtToken: fakeJwt({ sub: 'alice' }) },
            refreshToken: { token: `refresh-${issued}` },
          },
        },
      },
    }
  })
  stub.on('refresh', () => {
    issued += 1
    return {
      json: {
        data: {
          refresh: {
            accessToken: fakeJwt({ exp: clock / 1000 + 3600, n: issued }),
            idToken: fakeJwt({ sub: 'alice' }),
          },
        },
      },
    }
  })
})

afterEach(() => {
  // Every request of every test was a b.well document, valid against b.well's schema.
  expect(stub.problems).toEqual([])
  for (const request of stub.seen) expect(Object.values(bwellDocuments)).toContain(request.query)
})

const client = (options: Partial<Parameters<typeof createBwellClient>[0]> = {}): BwellClient =>
  createBwellClient({
    endpoint: stub.endpoint,
    clientKey: 'client-key-1',
    getIdentityToken: () => identity,
    now: () => clock,
    ...options,
  })

const bearerNumber = (authorization: string | undefined) => {
  const payload = authorization?.replace('Bearer ', '').split('.')[1] ?? ''
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { n: number }).n
}

const oauthUrl = () => ({
  json: { data: { getOauthUrl: { redirectUrl: 'http://127.0.0.1:4001/consent?x=1' } } },
})

describe('createBwellClient: endpoint', () => {
  it('[SEC-30] should refuse an http: endpoint off loopback before any token is sent', () => {
    const getIdentityToken = vi.fn(() => identity)
    const fetch = vi.fn<typeof globalThis.fetch>()
    for (const endpoint of ['http://api.example.com/v1/graphql', 'ftp://127.0.0.1/', 'graphql']) {
      expect(() =>
        createBwellClient({ endpoint, clientKey: 'k', getIdentityToken, fetch }),
      ).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', code: 'ERR_INVALID_ARGUMENT' }),
      )
    }
    expect(getIdentityToken).not.toHaveBeenCalled()
    expect(fetch).not.toHaveBeenCalled()
  })

  it('[SEC-30] should accept https: and http: on loopback', () => {
    for (const endpoint of [
      'https://api.dev.icanbwell.com/v1/graphql',
      'http://localhost:4000/v1/graphql',
      'http://127.0.0.1:4000/v1/graphql',
    ]) {
      expect(() =>
        createBwellClient({ endpoint, clientKey: 'k', getIdentityToken: () => identity }),
      ).not.toThrow()
    }
  })
})

describe('createBwellClient: session', () => {
  it('should start the session with the raw identity token and the client key, then send the b.well bearer', async () => {
    stub.on('getOauthUrl', oauthUrl)
    const bwell = client()
    expect(await bwell.getOauthUrl('epic-sandbox')).toBe('http://127.0.0.1:4001/consent?x=1')
    const [getToken, operation] = stub.seen
    expect(getToken?.operation).toBe('getToken')
    expect(getToken?.headers.authorization).toBe('idp-token-alice')
    expect(getToken?.headers.clientkey).toBe('client-key-1')
    expect(operation?.operation).toBe('getOauthUrl')
    expect(operation?.variables).toEqual({ connectionId: 'epic-sandbox' })
    expect(bearerNumber(operation?.headers.authorization)).toBe(1)
    expect(operation?.headers.authorization?.startsWith('Bearer ')).toBe(true)
    expect(operation?.headers.clientkey).toBeUndefined()
  })

  it('should exchange once for concurrent calls, and reuse the token until it nears expiry', async () => {
    stub.on('getOauthUrl', oauthUrl)
    const bwell = client()
    await Promise.all([bwell.getOauthUrl('a'), bwell.getOauthUrl('b'), bwell.getOauthUrl('c')])
    await bwell.getOauthUrl('d')
    expect(stub.requests('getToken')).toHaveLength(1)
    expect(stub.requests('getOauthUrl').map((r) => bearerNumber(r.headers.authorization))).toEqual([
      1, 1, 1, 1,
    ])
  })

  it('should refresh shortly before exp with refresh_token and clientkey, no bearer, once for concurrent calls', async () => {
    stub.on('getOauthUrl', oauthUrl)
    const bwell = client({ refreshLeewayMs: 60_000 })
    await bwell.getOauthUrl('a')
    clock += 3600_000 - 61_000
    await bwell.getOauthUrl('b')
    expect(stub.requests('refresh')).toHaveLength(0)
    clock += 2_000
    await Promise.all([bwell.getOauthUrl('c'), bwell.getOauthUrl('d')])
    const refresh = stub.requests('refresh')
    expect(refresh).toHaveLength(1)
    expect(refresh[0]?.headers.refresh_token).toBe('refresh-1')
    expect(refresh[0]?.headers.clientkey).toBe('client-key-1')
    expect(refresh[0]?.headers.authorization).toBeUndefined()
    expect(stub.requests('getOauthUrl').map((r) => bearerNumber(r.headers.authorization))).toEqual([
      1, 1, 2, 2,
    ])
    // b.well keeps the first refresh token for the whole session.
    clock += 3600_000
    await bwell.getOauthUrl('e')
    expect(stub.requests('refresh')[1]?.headers.refresh_token).toBe('refresh-1')
  })

  it('should start a new session when b.well refuses the refresh token', async () => {
    stub.on('getOauthUrl', oauthUrl)
    const bwell = client()
    await bwell.getOauthUrl('a')
    stub.on('refresh', () => ({ json: { data: null, errors: [bwellError('401', 'security')] } }))
    clock += 3600_000
    await bwell.getOauthUrl('b')
    expect(stub.seen.map((r) => r.operation)).toEqual([
      'getToken',
      'getOauthUrl',
      'refresh',
      'getToken',
      'getOauthUrl',
    ])
    expect(bearerNumber(stub.requests('getOauthUrl')[1]?.headers.authorization)).toBe(2)
  })

  it('should re-authenticate once after a security error, then fail as unauthorized with the issues', async () => {
    let refused = 1
    stub.on('getOauthUrl', () =>
      refused-- > 0
        ? { json: { data: null, errors: [bwellError('401', 'security', 'token revoked')] } }
        : oauthUrl(),
    )
    const bwell = client()
    expect(await bwell.getOauthUrl('a')).toBe('http://127.0.0.1:4001/consent?x=1')
    expect(stub.seen.map((r) => r.operation)).toEqual([
      'getToken',
      'getOauthUrl',
      'refresh',
      'getOauthUrl',
    ])

    stub.seen.length = 0
    stub.on('getOauthUrl', () => ({
      json: { data: null, errors: [bwellError('401', 'security', 'token revoked')] },
    }))
    const error = await failure(bwell.getOauthUrl('b'))
    expect(error.code).toBe('unauthorized')
    expect(error.name).toBe('BwellError')
    expect(error.operation).toBe('getOauthUrl')
    expect(error.graphqlCode).toBe('401')
    expect(error.issues).toEqual([
      { severity: 'error', code: 'security', details: 'token revoked' },
    ])
    expect(error.cause).toBeInstanceOf(BwellError)
    expect(isRetryableBwellError(error)).toBe(false)
    expect(stub.seen.map((r) => r.operation)).toEqual(['getOauthUrl', 'refresh', 'getOauthUrl'])
  })

  it('should fail as unauthorized when b.well refuses getToken, and try again on the next call', async () => {
    stub.on('getToken', () => ({
      json: { data: null, errors: [bwellError('401', 'security', 'unknown identity provider')] },
    }))
    const bwell = client()
    const error = await failure(bwell.getOauthUrl('a'))
    expect(error.code).toBe('unauthorized')
    expect(error.operation).toBe('getToken')
    expect(error.issues[0]?.details).toBe('unknown identity provider')
    expect(stub.requests('getOauthUrl')).toHaveLength(0)
    await failure(bwell.getOauthUrl('a'))
    expect(stub.requests('getToken')).toHaveLength(2)
  })

  it('should report no_identity_token and send nothing when the app has no token', async () => {
    identity = ''
    const error = await failure(client().getOauthUrl('a'))
    expect(error.code).toBe('no_identity_token')
    const failing = client({
      getIdentityToken: () => {
        throw new Error('signed out')
      },
    })
    expect((await failure(failing.getOauthUrl('a'))).cause).toEqual(new Error('signed out'))
    expect(stub.seen).toEqual([])
  })

  it('[SEC-27] should drop the session when another identity token comes, and at signOut', async () => {
    stub.on('getOauthUrl', oauthUrl)
    const bwell = client()
    await bwell.getOauthUrl('a')
    identity = 'idp-token-bob'
    // Concurrent calls of the next user share one new session; none of them fails.
    await Promise.all([bwell.getOauthUrl('b'), bwell.getOauthUrl('b2')])
    expect(stub.requests('getToken')).toHaveLength(2)
    const [, bob] = stub.requests('getToken')
    expect(bob?.headers.authorization).toBe('idp-token-bob')
    expect(bearerNumber(stub.requests('getOauthUrl')[1]?.headers.authorization)).toBe(2)
    expect(bearerNumber(stub.requests('getOauthUrl')[2]?.headers.authorization)).toBe(2)
    bwell.signOut()
    await bwell.getOauthUrl('c')
    expect(stub.requests('getToken')).toHaveLength(3)
    expect(bearerNumber(stub.requests('getOauthUrl')[3]?.headers.authorization)).toBe(3)
  })

  it('[SEC-27] should never let a session started for the previous user serve the next one', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    stub.on('getOauthUrl', oauthUrl)
    const bwell = client({
      // The first identity token arrives late, after sign-out.
      getIdentityToken: async () => {
        const value = identity
        if (value === 'idp-token-alice') await held
        return value
      },
    })
    const alice = bwell.getOauthUrl('a')
    bwell.signOut()
    identity = 'idp-token-bob'
    release()
    expect((await failure(alice)).code).toBe('session_ended')
    await bwell.getOauthUrl('b')
    expect(stub.requests('getToken').map((r) => r.headers.authorization)).toEqual(['idp-token-bob'])
  })
})

describe('createBwellClient: errors', () => {
  it('should carry the OperationOutcome issues, status and partial data of a GraphQL error', async () => {
    stub.on('getDataSource', () => ({
      json: {
        data: null,
        errors: [bwellError('404', 'not-found', 'no data source "nope"')],
      },
    }))
    const error = await failure(client().getDataSource('nope'))
    expect(error).toMatchObject({
      code: 'graphql_error',
      operation: 'getDataSource',
      status: 200,
      graphqlCode: '404',
      issues: [{ severity: 'error', code: 'not-found', details: 'no data source "nope"' }],
      data: null,
      message: 'graphql errors in "getDataSource"',
    })
    expect(isRetryableBwellError(error)).toBe(false)

    const partial = { searchHealthResources: { results: [], pagingInfo: null } }
    stub.on('searchHealthResources', () => ({
      json: { data: partial, errors: [bwellError('500', 'exception', 'ranking down')] },
    }))
    const withData = await failure(client().searchHealthResources({ search: 'x' }))
    expect(withData.data).toEqual(partial)
    expect(isRetryableBwellError(withData)).toBe(true)
  })

  it('should report an HTTP failure without GraphQL errors as http_error with its status', async () => {
    stub.on('getOauthUrl', () => ({ status: 502, type: 'text/html', raw: '<h1>bad gateway</h1>' }))
    const error = await failure(client().getOauthUrl('a'))
    expect(error).toMatchObject({ code: 'http_error', status: 502, operation: 'getOauthUrl' })
    expect(isRetryableBwellError(error)).toBe(true)
    stub.on('getOauthUrl', () => ({ status: 403, type: 'text/plain', raw: 'forbidden' }))
    expect(isRetryableBwellError(await failure(client().getOauthUrl('a')))).toBe(false)
  })

  it('should report a body that is not a GraphQL result as invalid_response', async () => {
    stub.on('getOauthUrl', () => ({ type: 'text/html', raw: '<html>login</html>' }))
    expect((await failure(client().getOauthUrl('a'))).code).toBe('invalid_response')
    stub.on('getOauthUrl', () => ({ json: { data: { getOauthUrl: { redirectUrl: null } } } }))
    const error = await failure(client().getOauthUrl('a'))
    expect(error.message).toBe('invalid "getOauthUrl.redirectUrl" in the b.well response')
  })

  it('should report a refused connection as network_error', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw new TypeError('fetch failed')
    })
    const error = await failure(client({ fetch }).getOauthUrl('a'))
    expect(error.code).toBe('network_error')
    expect(error.cause).toEqual(new TypeError('fetch failed'))
    expect(isRetryableBwellError(error)).toBe(true)
  })

  it('[SEC-29] should time out a stalled request, and leave no session exchange stuck', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      stub.on('getToken', () => ({ hang: true }))
      const bwell = client({ timeoutMs: 5_000 })
      const pending = failure(bwell.getOauthUrl('a'))
      await vi.advanceTimersByTimeAsync(5_000)
      const error = await pending
      expect(error).toMatchObject({ code: 'timeout', operation: 'getToken' })
      expect(isRetryableBwellError(error)).toBe(true)
      // The next call starts a new exchange instead of waiting on the stalled one.
      stub.on('getToken', () => ({ hang: true }))
      const again = failure(bwell.getOauthUrl('a'))
      await vi.advanceTimersByTimeAsync(5_000)
      expect((await again).code).toBe('timeout')
      expect(stub.requests('getToken')).toHaveLength(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('[SEC-29] should abort a stalled request through its signal', async () => {
    stub.on('getOauthUrl', () => ({ hang: true }))
    const bwell = client()
    const controller = new AbortController()
    const pending = failure(bwell.getOauthUrl('a', { signal: controller.signal }))
    await vi.waitFor(() => expect(stub.requests('getOauthUrl')).toHaveLength(1))
    controller.abort()
    expect((await pending).code).toBe('aborted')
  })
})

describe('createBwellClient: responses', () => {
  it('should keep null fields and unknown enum values of search results', async () => {
    stub.on('searchHealthResources', () => ({
      json: {
        data: {
          searchHealthResources: {
            pagingInfo: { pageNumber: 1, pageSize: 2, totalItems: 5, totalPages: 3 },
            filterValues: null,
            results: [
              {
                id: null,
                type: 'HOSPICE',
                content: null,
                npi: null,
                endpoint: null,
                location: [null],
                organization: null,
                specialty: null,
              },
              {
                id: 'r2',
                type: 'PRACTICE',
                content: 'Epic Sandbox',
                npi: ['123'],
                endpoint: [{ name: 'epic-sandbox' }],
                location: [
                  {
                    name: 'Main',
                    distanceInMiles: null,
                    address: {
                      line: ['1 Way'],
                      city: 'X',
                      state: null,
                      postalCode: null,
                      country: null,
                    },
                  },
                ],
                organization: [{ name: null }],
                specialty: [{ code: null, display: 'Cardiology', system: null }],
              },
              null,
            ],
          },
        },
      },
    }))
    const page = await client().searchHealthResources({
      search: 'epic',
      paging: { pageNumber: 1, pageSize: 2 },
      filters: { type: ['PRACTICE'], includePopulatedProaOnly: true },
      searchContext: 'DATA_CONNECTIONS',
    })
    expect(stub.requests('searchHealthResources')[0]?.variables).toEqual({
      searchInput: {
        search: 'epic',
        paging: { pageNumber: 1, pageSize: 2 },
        filters: { type: ['PRACTICE'], includePopulatedProaOnly: true },
        searchContext: 'DATA_CONNECTIONS',
      },
    })
    expect(page.pagingInfo).toEqual({ pageNumber: 1, pageSize: 2, totalItems: 5, totalPages: 3 })
    expect(page.results?.[0]).toMatchObject({ id: null, type: 'HOSPICE', connectionId: null })
    expect(page.results?.[1]).toMatchObject({
      connectionId: 'epic-sandbox',
      content: 'Epic Sandbox',
    })
    expect(page.results?.[2]).toBeNull()
  })

  it('should reject a null in a non-null field, naming it', async () => {
    stub.on('getDataSource', () => ({
      json: {
        data: {
          getDataSource: {
            id: 'x',
            name: null,
            category: 'OAUTH',
            type: 'CLINICAL',
            integrationType: null,
          },
        },
      },
    }))
    const error = await failure(client().getDataSource('x'))
    expect(error).toMatchObject({ code: 'invalid_response', operation: 'getDataSource' })
    expect(error.message).toBe('invalid "getDataSource.name" in the b.well response')
  })

  it('should read connections with both statuses, keeping unknown values', async () => {
    stub.on('getMemberConnections', () => ({
      json: {
        data: {
          getMemberConnections: [
            {
              id: 'epic-sandbox',
              name: 'Epic',
              category: 'OAUTH',
              type: 'CLINICAL',
              status: null,
              syncStatus: 'QUEUED',
              statusUpdated: null,
              lastSynced: null,
              created: '2026-11-29T10:00:00Z',
              integrationType: null,
              syncErrors: null,
            },
          ],
        },
      },
    }))
    const [connection] = await client().getMemberConnections({ status: ['CONNECTED'] })
    expect(connection).toMatchObject({ id: 'epic-sandbox', status: null, syncStatus: 'QUEUED' })
    expect(stub.requests('getMemberConnections')[0]?.variables).toEqual({ status: ['CONNECTED'] })
  })

  it("should read FHIR subscriptions as b.well's SDK does, leaving out incomplete entries", async () => {
    const ext = (id: string, valueString: string) => ({ id, valueString })
    const entry = (extension: unknown[], events: unknown[]) => ({
      resource: {
        id: 'sub',
        meta: { lastUpdated: '2026-11-29T09:00:00Z' },
        subscriptionStatus: [
          {
            meta: { lastUpdated: '2026-11-29T11:00:00Z' },
            extension,
            notificationEvent: events,
            error: [{ id: null, text: 'partial', coding: null }],
          },
        ],
      },
    })
    const complete = [
      ext('service_slug', 'quest-labs'),
      ext('connection_name', 'Quest'),
      ext('connection_type', 'hapi'),
      ext('category', 'LAB'),
      ext('token-status', 'CONNECTED'),
      ext('data-connection-status', 'RETRIEVING'),
    ]
    stub.on('subscriptions', () => ({
      json: {
        data: {
          subscriptions: {
            entry: [
              entry(complete, [
                { id: 'created-date', timestamp: '2026-11-29T08:00:00Z' },
                { id: 'data-retrieval-end', timestamp: '2026-11-29T10:00:00Z' },
              ]),
              entry(complete.slice(1), [{ id: 'created-date', timestamp: '2026-11-29T08:00:00Z' }]),
              entry(complete, []),
              { resource: null },
            ],
          },
        },
      },
    }))
    const connections = await client().getSubscriptionConnections()
    expect(stub.requests('subscriptions')[0]?.variables).toEqual({
      source: { value: 'https://icanbwell.com/proa' },
    })
    expect(connections).toEqual([
      {
        id: 'quest-labs',
        name: 'Quest',
        category: 'BASIC',
        type: 'LAB',
        status: 'CONNECTED',
        syncStatus: 'RETRIEVING',
        statusUpdated: '2026-11-29T11:00:00Z',
        lastSynced: '2026-11-29T10:00:00Z',
        created: '2026-11-29T08:00:00Z',
        integrationType: null,
        syncErrors: [{ id: null, text: 'partial', coding: null }],
      },
    ])
  })

  it('should read initSdk with the client key and no user', async () => {
    stub.on('initSdk', () => ({
      json: {
        data: {
          initSdk: {
            graphQLClient: {
              apiUrl: 'https://api.dev.icanbwell.com/v1/graphql',
              authUrl: 'https://auth',
            },
            httpClient: { requestTimeout: null },
            logLevel: 'TRACE',
            telemetry: { enabled: false, collectorUrl: 'https://otel' },
          },
        },
      },
    }))
    const config = await client().initSdk()
    expect(config).toMatchObject({ logLevel: 'TRACE', telemetry: { enabled: false } })
    const [request] = stub.seen
    expect(request?.variables).toEqual({ clientKey: 'client-key-1' })
    expect(request?.headers.authorization).toBeUndefined()
    expect(stub.requests('getToken')).toHaveLength(0)
  })

  it('should reject an empty connection id as an argument error, sending nothing', async () => {
    const error = await client()
      .getOauthUrl('')
      .catch((reason: unknown) => reason)
    expect(error).toMatchObject({ name: 'InvalidArgumentError', code: 'ERR_INVALID_ARGUMENT' })
    expect(stub.seen).toEqual([])
  })
})
