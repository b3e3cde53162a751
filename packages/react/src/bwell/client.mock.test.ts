// @vitest-environment node
// The b.well client against the real mock backend (apps/mock-backend), on b.well's contract.
import {
  consent,
  ManualClock,
  type MockForTests,
  startMockForTests,
} from '@oauth-connect/mock-backend/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type BwellClient, createBwellClient } from './client.ts'
import { failure } from './test/failure.ts'
import { identityTokens } from './test/identityTokens.ts'

let mock: MockForTests
let clock: ManualClock
/** The operations the client sent, in order (`GetToken`, `Refresh`, `GetOauthUrl`, …). */
let sent: string[]

beforeAll(async () => {
  clock = new ManualClock(1_800_000_000_000)
  mock = await startMockForTests({ clock })
})

afterAll(async () => {
  await mock.close()
})

beforeEach(async () => {
  sent = []
  await mock.clearFaults()
})

/** Records each operation name, then sends the request unchanged. */
const observe: typeof fetch = (input, init) => {
  const body: unknown = JSON.parse(String(init?.body))
  if (typeof body === 'object' && body !== null && 'operationName' in body) {
    sent.push(String(body.operationName))
  }
  return fetch(input, init)
}

function clientFor(username: string | (() => string), clientKey = mock.clientKeys.hosted) {
  const identityTokenFor = identityTokens(mock)
  return createBwellClient({
    endpoint: mock.graphqlEndpoint,
    clientKey,
    getIdentityToken: () => identityTokenFor(typeof username === 'string' ? username : username()),
    fetch: observe,
    now: () => clock.now(),
  })
}

/** Removes every connection of the user, so each test starts from none. */
async function reset(bwell: BwellClient) {
  for (const connection of await bwell.getMemberConnections()) {
    if (connection.status !== 'DELETED') await bwell.deleteConnection(connection.id)
  }
}

describe('b.well client against the mock', () => {
  it('should read initSdk for a seeded client key and fail typed for an unknown one', async () => {
    const config = await clientFor('amy.shaw').initSdk()
    expect(config.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/)
    expect(sent).toEqual(['InitSdk'])
    const unknown = btoa(JSON.stringify({ env: 'local', clientId: 'not-registered' }))
    const error = await failure(clientFor('amy.shaw', unknown).initSdk())
    expect(error).toMatchObject({ code: 'graphql_error', graphqlCode: '401', operation: 'initSdk' })
    expect(error.issues[0]?.code).toBe('security')
    const malformed = await failure(clientFor('amy.shaw', btoa('not json')).initSdk())
    expect(malformed).toMatchObject({ graphqlCode: '400', issues: [{ code: 'value' }] })
  })

  it('should search with text, type filter and paging, keeping results without an endpoint', async () => {
    const bwell = clientFor('amy.shaw')
    const all = await bwell.searchHealthResources({ paging: { pageNumber: 0, pageSize: 100 } })
    const results = all.results ?? []
    expect(all.pagingInfo?.totalItems).toBe(results.length)
    expect(results.some((r) => r?.connectionId === null)).toBe(true)
    expect(new Set(results.map((r) => r?.type))).toEqual(
      new Set(['INSURANCE', 'LABORATORY', 'PHARMACY', 'PRACTICE', 'PRACTITIONER']),
    )

    const page = await bwell.searchHealthResources({
      filters: { type: ['PHARMACY'] },
      paging: { pageNumber: 1, pageSize: 2 },
    })
    const pharmacies = results.filter((r) => r?.type === 'PHARMACY').length
    expect(page.pagingInfo).toEqual({
      pageNumber: 1,
      pageSize: 2,
      totalItems: pharmacies,
      totalPages: Math.ceil(pharmacies / 2),
    })
    expect(page.results?.every((r) => r?.type === 'PHARMACY')).toBe(true)

    const epic = await bwell.searchHealthResources({
      search: 'epic',
      searchContext: 'DATA_CONNECTIONS',
      filters: { includePopulatedProaOnly: true },
    })
    expect(epic.results?.map((r) => r?.connectionId)).toContain('epic-sandbox')
    expect(epic.results?.every((r) => r?.connectionId)).toBe(true)
    expect(sent.filter((name) => name === 'GetToken')).toHaveLength(1)
  })

  it('should treat explicit nulls in the search input as not given, as b.well does', async () => {
    const bwell = clientFor('amy.shaw')
    const given = await bwell.searchHealthResources({ paging: { pageNumber: 0, pageSize: 5 } })
    const nulls = await bwell.searchHealthResources({
      search: null,
      filters: null,
      orderBy: null,
      searchLocation: null,
      searchContext: null,
      paging: { pageNumber: null, pageSize: 5 },
    })
    expect(nulls).toEqual(given)
    expect(nulls.pagingInfo).toMatchObject({ pageNumber: 0, pageSize: 5 })
  })

  it('should connect an OAUTH source through getOauthUrl and read it back in both shapes as it syncs', async () => {
    const bwell = clientFor('amy.shaw')
    await reset(bwell)
    expect(await bwell.getDataSource('epic-sandbox')).toMatchObject({
      id: 'epic-sandbox',
      category: 'OAUTH',
    })
    const redirectUrl = await bwell.getOauthUrl('epic-sandbox')
    expect(new URL(redirectUrl).origin).toBe(mock.origins.portal)
    expect(new URL((await consent(redirectUrl)).finalUrl).searchParams.get('status_code')).toBe(
      'success',
    )

    const typed = await bwell.getMemberConnections()
    const fhir = await bwell.getSubscriptionConnections()
    for (const list of [typed, fhir]) {
      expect(list.find((c) => c.id === 'epic-sandbox')).toMatchObject({
        category: 'OAUTH',
        status: 'CONNECTED',
        syncStatus: 'PENDING',
      })
    }
    clock.advance(2_500)
    expect(
      (await bwell.getSubscriptionConnections()).find((c) => c.id === 'epic-sandbox')?.syncStatus,
    ).toBe('RETRIEVING')
    clock.advance(10_000)
    const done = await bwell.getMemberConnections({ syncStatus: ['RETRIEVED'] })
    expect(done.map((c) => [c.id, c.status, c.syncStatus])).toEqual([
      ['epic-sandbox', 'CONNECTED', 'RETRIEVED'],
    ])
    const fromFhir = (await bwell.getSubscriptionConnections()).find((c) => c.id === 'epic-sandbox')
    const fromTyped = done[0]
    expect(fromFhir).toMatchObject({
      name: fromTyped?.name,
      type: fromTyped?.type,
      status: 'CONNECTED',
      syncStatus: 'RETRIEVED',
      created: expect.any(String),
    })
  })

  it('should connect a BASIC source with good credentials and refuse bad ones with the issues', async () => {
    const bwell = clientFor('amy.shaw')
    await reset(bwell)
    const [slug, credentials] = Object.entries(mock.basicCredentials)[0] ?? []
    if (!slug || !credentials) throw new Error('the mock seeds no BASIC source')
    expect((await bwell.getDataSource(slug)).category).toBe('BASIC')

    const error = await failure(
      bwell.createConnection({
        connectionId: slug,
        username: credentials.username,
        password: 'nope',
      }),
    )
    expect(error).toMatchObject({
      code: 'graphql_error',
      graphqlCode: '400',
      operation: 'createConnection',
    })
    expect(error.issues[0]).toMatchObject({ code: 'value', severity: 'error' })
    expect(JSON.stringify(error)).not.toContain('nope')

    const connection = await bwell.createConnection({ connectionId: slug, ...credentials })
    expect(connection).toMatchObject({ id: slug, category: 'BASIC', status: 'CONNECTED' })
    const fhir = await bwell.getSubscriptionConnections()
    expect(fhir.find((c) => c.id === slug)?.category).toBe('BASIC')
  })

  it('should disconnect (data kept) and delete (removed) a connection', async () => {
    const bwell = clientFor('james.chalmers')
    await reset(bwell)
    await consent(await bwell.getOauthUrl('cerner-sandbox'))
    const disconnected = await bwell.disconnectConnection('cerner-sandbox')
    expect(disconnected.status).toBe('DISCONNECTED')
    expect(typeof disconnected.statusUpdated).toBe('string')
    expect(
      (await bwell.getMemberConnections()).find((c) => c.id === 'cerner-sandbox')?.status,
    ).toBe('DISCONNECTED')
    // A disconnected OAuth source reconnects through a new getOauthUrl flow.
    await consent(await bwell.getOauthUrl('cerner-sandbox'))
    expect(
      (await bwell.getMemberConnections()).find((c) => c.id === 'cerner-sandbox')?.status,
    ).toBe('CONNECTED')
    expect((await bwell.deleteConnection('cerner-sandbox')).status).toBe('DELETED')
    const error = await failure(bwell.getDataSource('no-such-source'))
    expect(error).toMatchObject({ graphqlCode: '404', issues: [{ code: 'not-found' }] })
  })

  it('should ask for a missing source with requestConnection', async () => {
    const issues = await clientFor('amy.shaw').requestConnection({
      institution: 'Lakeside Clinic',
      city: 'Madison',
      state: 'WI',
    })
    expect(issues).toEqual([
      { severity: 'information', code: 'informational', details: 'connection request received' },
    ])
    const error = await failure(clientFor('amy.shaw').requestConnection({ city: 'Madison' }))
    expect(error).toMatchObject({ graphqlCode: '400', issues: [{ code: 'value' }] })
  })
})

describe('b.well session against the mock', () => {
  it('should refresh before the access token expires, and keep working', async () => {
    const bwell = clientFor('amy.shaw')
    await bwell.getDataSource('epic-sandbox')
    clock.advance(100_000) // test-mode tokens live 120 s; refresh is due 60 s before exp
    await bwell.getDataSource('epic-sandbox')
    clock.advance(100_000)
    await bwell.getDataSource('epic-sandbox')
    expect(sent).toEqual([
      'GetToken',
      'GetDataSource',
      'Refresh',
      'GetDataSource',
      'Refresh',
      'GetDataSource',
    ])
  })

  it('should re-authenticate once when b.well expires the token early', async () => {
    const bwell = clientFor('amy.shaw')
    await bwell.getDataSource('epic-sandbox')
    await mock.fault({ kind: 'bwellTokenExpired', match: { operation: 'getDataSource' } })
    expect((await bwell.getDataSource('epic-sandbox')).id).toBe('epic-sandbox')
    expect(sent).toEqual(['GetToken', 'GetDataSource', 'GetDataSource', 'Refresh', 'GetDataSource'])
  })

  it('should start over with getToken when b.well refuses the refresh token', async () => {
    const bwell = clientFor('amy.shaw')
    await bwell.getDataSource('epic-sandbox')
    await mock.fault({ kind: 'refreshRefused' })
    clock.advance(100_000)
    await bwell.getDataSource('epic-sandbox')
    expect(sent).toEqual(['GetToken', 'GetDataSource', 'Refresh', 'GetToken', 'GetDataSource'])
  })

  it('should fail as unauthorized, with the issues, when b.well refuses getToken', async () => {
    await mock.fault({ kind: 'getTokenRefused', match: { username: 'amy.shaw' } })
    const error = await failure(clientFor('amy.shaw').getDataSource('epic-sandbox'))
    expect(error).toMatchObject({ code: 'unauthorized', operation: 'getToken', graphqlCode: '401' })
    expect(error.issues[0]?.code).toBe('security')
    expect(sent).toEqual(['GetToken'])
  })

  it('[SEC-27] should serve the next user from their own session, never the previous one', async () => {
    let user = 'amy.shaw'
    const bwell = clientFor(() => user)
    await reset(bwell)
    await consent(await bwell.getOauthUrl('epic-sandbox'))
    expect((await bwell.getMemberConnections()).map((c) => c.id)).toContain('epic-sandbox')
    user = 'james.chalmers'
    await reset(bwell)
    expect(await bwell.getMemberConnections()).toEqual([])
    expect(await bwell.getSubscriptionConnections()).toEqual([])
    expect(sent.filter((name) => name === 'GetToken')).toHaveLength(2)
  })
})
