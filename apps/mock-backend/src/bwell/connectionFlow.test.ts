import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../clock.ts'
import { type MockForTests, startMockForTests } from '../testing.ts'
import { location } from '../testSupport.ts'
import {
  getOauthUrlQuery,
  memberConnectionsQuery,
  openSession,
  runFlow,
  type TestSession,
} from './testHelpers.ts'

const start = Date.UTC(2026, 10, 29, 12, 0, 0)
const createConnection = `mutation($c: String!, $u: String!, $p: String!) {
  createConnection(connectionId: $c, username: $u, password: $p) {
    id name category type status syncStatus created statusUpdated lastSynced integrationType
  } }`
const disconnect =
  'mutation($c: String!) { disconnectConnection(connectionId: $c) { status statusUpdated } }'
const remove =
  'mutation($c: String!) { deleteConnection(connectionId: $c) { status statusUpdated } }'
const subscriptions = `query($s: SearchString) { subscriptions(_source: $s) { entry { resource {
  id meta { lastUpdated source }
  subscriptionStatus { meta { lastUpdated } extension { id url valueString }
    notificationEvent { id timestamp } error { id text coding { code display system } } } } } } }`

async function members(session: TestSession, filters: Record<string, unknown> = {}) {
  const res = await session.q(memberConnectionsQuery, filters)
  expect(res.body.errors).toBeUndefined()
  return res.body.data.getMemberConnections as {
    id: string
    status: string
    syncStatus: string
    lastSynced: string | null
    created: string
    statusUpdated: string
    category: string
    type: string
    name: string
    syncErrors: { id: string; text: string }[] | null
  }[]
}

describe('b.well connections', () => {
  let mock: MockForTests
  const clock = new ManualClock(start)
  let amy: TestSession
  let amyRedirect: TestSession
  let james: TestSession
  beforeAll(async () => {
    mock = await startMockForTests({ clock })
    amy = await openSession(mock, 'amy.shaw', mock.clientKeys.hosted)
    amyRedirect = await openSession(mock, 'amy.shaw', mock.clientKeys.customRedirect)
    james = await openSession(mock, 'james.chalmers', mock.clientKeys.hosted)
  })
  afterAll(async () => {
    await mock.close()
  })

  it.each([
    ['allow', 'success', 'status-success'],
    ['deny', 'cancelled', 'status-failure'],
    ['fail', 'error', 'status-failure'],
    ['expire', 'expired', 'status-failure'],
    ['tamper', 'unauthorized', 'status-failure'],
  ] as const)(
    '[SEC-3] hosted key: %s ends on the hosted page with status_code=%s, posting to the app origin',
    async (decision, code, message) => {
      const { finalUrl, portalHtml } = await runFlow(amy, 'northwind-health', decision)
      expect(portalHtml).toContain('Connect Northwind Health System to b.well')
      const url = new URL(finalUrl)
      expect(url.origin + url.pathname).toBe(`${mock.origins.bwell}/oauth/complete`)
      expect([...url.searchParams]).toEqual([['status_code', code]])
      const page = await fetch(finalUrl)
      const html = await page.text()
      expect(html).toContain(`const message = "${message}";`)
      expect(html).toContain(`const targetOrigin = "${mock.origins.app}";`)
      expect(html).not.toContain("'*'")
    },
  )

  it.each([
    ['allow', 'success'],
    ['deny', 'cancelled'],
    ['fail', 'error'],
    ['expire', 'expired'],
    ['tamper', 'unauthorized'],
  ] as const)(
    'custom-redirect key: %s ends on {APP_ORIGIN}/connect/callback with only status_code=%s',
    async (decision, code) => {
      const { finalUrl } = await runFlow(amyRedirect, 'mercy-valley', decision)
      expect(finalUrl).toBe(`${mock.origins.app}/connect/callback?status_code=${code}`)
    },
  )

  it('should take only connectionId in getOauthUrl, and keep state opaque to the app', async () => {
    const withRedirect = await amy.q(
      'query { getOauthUrl(connectionId: "epic-sandbox", redirectUri: "http://localhost:5173/x") { redirectUrl } }',
    )
    expect(withRedirect.body.errors[0].extensions.code).toBe('400')
    const ok = await amy.q(getOauthUrlQuery, { connectionId: 'epic-sandbox' })
    const url = new URL(ok.body.data.getOauthUrl.redirectUrl)
    expect(url.origin).toBe(mock.origins.portal)
    expect(url.searchParams.get('redirect_uri')).toBe(`${mock.origins.bwell}/oauth/callback`)
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(url.href).not.toContain(encodeURIComponent(mock.origins.app))
  })

  it('should walk a new OAuth connection CONNECTED+PENDING → RETRIEVING → RETRIEVED on the clock', async () => {
    const before = await members(amy)
    expect(before.find((c) => c.id === 'epic-sandbox')).toBeUndefined()
    const { finalUrl } = await runFlow(amy, 'epic-sandbox', 'allow')
    expect(new URL(finalUrl).searchParams.get('status_code')).toBe('success')
    const connectedAt = new Date(clock.now()).toISOString()
    const fresh = (await members(amy)).find((c) => c.id === 'epic-sandbox')
    expect(fresh).toMatchObject({
      name: 'Epic Sandbox Health',
      category: 'OAUTH',
      type: 'CLINICAL',
      status: 'CONNECTED',
      syncStatus: 'PENDING',
      lastSynced: null,
      created: connectedAt,
      statusUpdated: connectedAt,
    })
    clock.advance(2000)
    expect((await members(amy)).find((c) => c.id === 'epic-sandbox')?.syncStatus).toBe('RETRIEVING')
    clock.advance(5000)
    const done = (await members(amy)).find((c) => c.id === 'epic-sandbox')
    expect(done).toMatchObject({ status: 'CONNECTED', syncStatus: 'RETRIEVED' })
    expect(done?.lastSynced).toBe(new Date(clock.now()).toISOString())
  })

  it('should keep one user’s connections from another user', async () => {
    await runFlow(amy, 'cerner-sandbox', 'allow')
    expect((await members(amy)).map((c) => c.id)).toContain('cerner-sandbox')
    expect((await members(james)).map((c) => c.id)).not.toContain('cerner-sandbox')
    const res = await james.q(disconnect, { c: 'cerner-sandbox' })
    expect(res.body.errors[0].extensions.code).toBe('404')
  })

  it('should expire a connection (Expire button and test route) and reconnect it through a new flow', async () => {
    await runFlow(james, 'coastal-cardiology', 'allow')
    clock.advance(10_000)
    const { finalUrl } = await runFlow(james, 'coastal-cardiology', 'expire')
    expect(new URL(finalUrl).searchParams.get('status_code')).toBe('expired')
    const expired = (await members(james)).find((c) => c.id === 'coastal-cardiology')
    expect(expired).toMatchObject({ status: 'EXPIRED', syncStatus: 'RETRIEVED' })
    const created = expired?.created
    clock.advance(1000)
    await runFlow(james, 'coastal-cardiology', 'allow')
    const again = (await members(james)).find((c) => c.id === 'coastal-cardiology')
    expect(again).toMatchObject({ status: 'CONNECTED', syncStatus: 'PENDING', created })
    const res = await fetch(`${mock.origins.bwell}/__test__/connections/expire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId: 'coastal-cardiology', username: 'james.chalmers' }),
    })
    expect(await res.json()).toEqual({ expired: 1 })
    const cut = (await members(james)).find((c) => c.id === 'coastal-cardiology')
    expect(cut?.status).toBe('EXPIRED')
    expect(cut?.syncStatus).toBe('ERROR')
    expect(cut?.syncErrors?.[0]?.id).toBe('sync-interrupted')
  })

  it("should expire through the testing API one user's connection, or every holder's", async () => {
    const amyOnly = await openSession(mock, 'amy.shaw', mock.clientKeys.hosted)
    await runFlow(amyOnly, 'oakridge-hospital', 'allow')
    await runFlow(james, 'oakridge-hospital', 'allow')
    const statusOf = async (session: TestSession) =>
      (await members(session)).find((c) => c.id === 'oakridge-hospital')?.status
    expect(await mock.expireConnection('oakridge-hospital', 'james.chalmers')).toBe(1)
    expect(await statusOf(james)).toBe('EXPIRED')
    expect(await statusOf(amyOnly)).toBe('CONNECTED')
    await runFlow(james, 'oakridge-hospital', 'allow')
    expect(await mock.expireConnection('oakridge-hospital')).toBe(2)
    expect(await statusOf(james)).toBe('EXPIRED')
    expect(await statusOf(amyOnly)).toBe('EXPIRED')
    expect(await mock.expireConnection('no-such-source')).toBe(0)
    await expect(mock.expireConnection('')).rejects.toThrow()
  })

  it('should disconnect (data kept) and delete (gone), and reconnect after both', async () => {
    await runFlow(amy, 'summit-diagnostics', 'allow')
    clock.advance(7000)
    clock.advance(1000)
    const disconnected = await amy.q(disconnect, { c: 'summit-diagnostics' })
    expect(disconnected.body.data.disconnectConnection).toEqual({
      status: 'DISCONNECTED',
      statusUpdated: new Date(clock.now()).toISOString(),
    })
    const kept = (await members(amy)).find((c) => c.id === 'summit-diagnostics')
    expect(kept).toMatchObject({ status: 'DISCONNECTED', syncStatus: 'RETRIEVED' })
    expect(kept?.lastSynced).not.toBeNull()
    await runFlow(amy, 'summit-diagnostics', 'allow')
    expect((await members(amy)).find((c) => c.id === 'summit-diagnostics')?.status).toBe(
      'CONNECTED',
    )
    const deleted = await amy.q(remove, { c: 'summit-diagnostics' })
    expect(deleted.body.data.deleteConnection.status).toBe('DELETED')
    expect((await members(amy)).map((c) => c.id)).not.toContain('summit-diagnostics')
    const twice = await amy.q(remove, { c: 'summit-diagnostics' })
    expect(twice.body.errors[0].extensions).toMatchObject({ code: '404' })
    expect(twice.body.errors[0].extensions.resource.issue[0].code).toBe('not-found')
    await runFlow(amy, 'summit-diagnostics', 'allow')
    expect((await members(amy)).find((c) => c.id === 'summit-diagnostics')?.status).toBe(
      'CONNECTED',
    )
  })

  it('should connect a BASIC source with its seeded credentials and refuse wrong ones', async () => {
    const good = mock.basicCredentials['wellspring-pharmacy']
    expect(good).toBeDefined()
    const wrong = await amy.q(createConnection, {
      c: 'wellspring-pharmacy',
      u: good?.username,
      p: 'wrong',
    })
    expect(wrong.body.data).toBeNull()
    expect(wrong.body.errors[0].extensions.code).toBe('400')
    expect(wrong.body.errors[0].extensions.resource.issue[0]).toMatchObject({
      severity: 'error',
      code: 'value',
    })
    expect(JSON.stringify(wrong.body)).not.toContain('wrong')
    const ok = await amy.q(createConnection, {
      c: 'wellspring-pharmacy',
      u: good?.username,
      p: good?.password,
    })
    expect(ok.body.data.createConnection).toMatchObject({
      id: 'wellspring-pharmacy',
      category: 'BASIC',
      type: 'PHARMACY',
      status: 'CONNECTED',
      syncStatus: 'PENDING',
      integrationType: 'hapi',
    })
  })

  it('should keep OAuth and BASIC paths apart', async () => {
    const oauthAsBasic = await amy.q(createConnection, { c: 'epic-sandbox', u: 'a', p: 'b' })
    expect(oauthAsBasic.body.errors[0].extensions.code).toBe('400')
    const basicAsOauth = await amy.q(getOauthUrlQuery, { connectionId: 'greenleaf-rx' })
    expect(basicAsOauth.body.errors[0].extensions.code).toBe('400')
    const unknown = await amy.q(getOauthUrlQuery, { connectionId: 'no-such-source' })
    expect(unknown.body.errors[0].extensions.code).toBe('404')
  })

  it('should filter getMemberConnections by status, syncStatus and integrationType, null meaning all', async () => {
    const me = await openSession(mock, 'amy.shaw', mock.clientKeys.hosted)
    const all = await members(me, { integrationType: null, status: null, syncStatus: null })
    expect(all.length).toBeGreaterThanOrEqual(3)
    const basic = await members(me, { integrationType: ['hapi'] })
    expect(basic.map((c) => c.id)).toEqual(['wellspring-pharmacy'])
    const connected = await members(me, { status: ['CONNECTED'] })
    expect(connected.every((c) => c.status === 'CONNECTED')).toBe(true)
    const pending = await members(me, { syncStatus: ['PENDING'] })
    expect(pending.every((c) => c.syncStatus === 'PENDING')).toBe(true)
    expect(pending.length).toBeGreaterThan(0)
  })

  it('should list the same connections as FHIR Subscriptions with the extensions b.well’s SDK reads', async () => {
    const typed = await members(james)
    const res = await james.q(subscriptions, { s: { value: 'https://icanbwell.com/proa' } })
    expect(res.body.errors).toBeUndefined()
    const entries = res.body.data.subscriptions.entry
    expect(entries).toHaveLength(typed.length)
    for (const connection of typed) {
      const status = entries.find(
        (e: {
          resource: { subscriptionStatus: { extension: { id: string; valueString: string }[] }[] }
        }) =>
          e.resource.subscriptionStatus[0]?.extension.some(
            (x) => x.id === 'service_slug' && x.valueString === connection.id,
          ),
      ).resource
      const ext = Object.fromEntries(
        status.subscriptionStatus[0].extension.map((x: { id: string; valueString: string }) => [
          x.id,
          x.valueString,
        ]),
      )
      expect(ext).toEqual({
        service_slug: connection.id,
        'token-status': connection.status,
        connection_name: connection.name,
        connection_type: connection.category === 'BASIC' ? 'hapi' : 'proa',
        category: connection.type,
        'data-connection-status': connection.syncStatus,
      })
      expect(status.meta.lastUpdated).toBe(connection.statusUpdated)
      const events = Object.fromEntries(
        status.subscriptionStatus[0].notificationEvent.map(
          (e: { id: string; timestamp: string }) => [e.id, e.timestamp],
        ),
      )
      expect(events['created-date']).toBe(connection.created)
      expect(events['data-last-updated'] ?? null).toBe(connection.lastSynced)
    }
    const other = await james.q(subscriptions, { s: { value: 'https://example.org/other' } })
    expect(other.body.data.subscriptions.entry).toEqual([])
    const unfiltered = await james.q(subscriptions, { s: null })
    expect(unfiltered.body.data.subscriptions.entry).toHaveLength(typed.length)
  })

  it('should take a request for a missing source', async () => {
    const query = `mutation($c: String, $i: String, $p: String, $s: String) {
      requestConnection(city: $c, institution: $i, provider: $p, state: $s) {
        resourceType issue { severity code details { text } } } }`
    const ok = await amy.q(query, { c: 'Nashville', i: 'Music Row Clinic', p: null, s: 'TN' })
    expect(ok.body.data.requestConnection.resourceType).toBe('OperationOutcome')
    expect(ok.body.data.requestConnection.issue[0].severity).toBe('information')
    const empty = await amy.q(query, { c: null, i: null, p: null, s: null })
    expect(empty.body.errors[0].extensions.code).toBe('400')
  })

  it('should answer a replayed callback with unauthorized (state and flow are single-use)', async () => {
    const { callbackUrl } = await runFlow(amy, 'blueridge-health-plan', 'allow')
    const replay = await fetch(callbackUrl, { redirect: 'manual' })
    expect(new URL(location(replay, callbackUrl)).searchParams.get('status_code')).toBe(
      'unauthorized',
    )
  })

  it('should answer a callback with a missing, repeated or foreign state with unauthorized', async () => {
    const urlOf = async (id: string) =>
      new URL(
        (await amy.q(getOauthUrlQuery, { connectionId: id })).body.data.getOauthUrl.redirectUrl,
      )
    const a = await urlOf('evergreen-mutual')
    const b = await urlOf('atlas-health-plan')
    const callback = (params: [string, string][]) =>
      fetch(`${mock.origins.bwell}/oauth/callback?${new URLSearchParams(params)}`, {
        redirect: 'manual',
      }).then((res) => new URL(res.headers.get('location') ?? '').searchParams.get('status_code'))
    const flowA = a.searchParams.get('flow') ?? ''
    const stateA = a.searchParams.get('state') ?? ''
    const stateB = b.searchParams.get('state') ?? ''
    const cases: [string, [string, string][]][] = [
      [
        'unauthorized',
        [
          ['flow', flowA],
          ['code', 'x'],
        ],
      ],
      [
        'unauthorized',
        [
          ['flow', flowA],
          ['state', stateB],
          ['code', 'x'],
        ],
      ],
      [
        'unauthorized',
        [
          ['flow', flowA],
          ['state', stateA],
          ['state', stateA],
          ['code', 'x'],
        ],
      ],
      [
        'unauthorized',
        [
          ['state', stateA],
          ['code', 'x'],
        ],
      ],
      [
        'unauthorized',
        [
          ['flow', `${flowA}x`],
          ['state', stateA],
          ['code', 'x'],
        ],
      ],
      [
        'error',
        [
          ['flow', flowA],
          ['state', stateA],
          ['code', 'forged'],
        ],
      ],
    ]
    for (const [expected, params] of cases) {
      expect(await callback(params)).toBe(expected)
    }
  })

  it('should refuse a portal request for another redirect_uri or source, escaping the input', async () => {
    const url = new URL(
      (await amy.q(getOauthUrlQuery, { connectionId: 'corner-drug' })).body.data.getOauthUrl
        .redirectUrl,
    )
    url.searchParams.set('redirect_uri', 'https://evil.example/cb')
    expect((await fetch(url)).status).toBe(400)
    url.searchParams.set('redirect_uri', `${mock.origins.bwell}/oauth/callback`)
    url.searchParams.set('provider_id', '<script>')
    const res = await fetch(url)
    expect(res.status).toBe(400)
    expect(await res.text()).not.toContain('<script>')
  })

  it('should show an unknown or repeated status_code on the hosted page as a failure, escaped', async () => {
    const page = await fetch(`${mock.origins.bwell}/oauth/complete?status_code=%3Cb%3Ex`)
    const html = await page.text()
    expect(html).toContain('const message = "status-failure";')
    expect(html).not.toContain('<b>x')
    const repeated = await fetch(
      `${mock.origins.bwell}/oauth/complete?status_code=success&status_code=success`,
    )
    expect(await repeated.text()).toContain('const message = "status-failure";')
  })
})
