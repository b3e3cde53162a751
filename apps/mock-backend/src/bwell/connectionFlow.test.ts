import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MockBackend } from '../server.ts'
import { formOf, location, signIn, startTestBackend } from '../testSupport.ts'
import { retrievalMs } from './connections.ts'

const app = 'http://localhost:5173'

async function gql(
  backend: MockBackend,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const res = await fetch(`${backend.origins.bwell}/v1/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  })
  return { status: res.status, body: await res.json() }
}

const createConnection = `mutation($p: ID!) { createConnection(providerId: $p) { id providerId status } }`
const getOauthUrl = `query($c: String!, $r: String) { getOauthUrl(connectionId: $c, redirectUri: $r) { redirectUrl } }`
const connectionQuery = `query($id: ID!) { connection(id: $id) { id status } }`

/** Drives getOauthUrl → portal button → b.well callback, returning where the callback sent us. */
async function runFlow(
  backend: MockBackend,
  token: string,
  decision: string,
  redirectUri?: string,
) {
  const created = await gql(backend, token, createConnection, { p: 'riverside-medical-center' })
  const connectionId: string = created.body.data.createConnection.id
  const url = await gql(backend, token, getOauthUrl, { c: connectionId, r: redirectUri })
  const redirectUrl: string = url.body.data.getOauthUrl.redirectUrl
  const portal = await fetch(redirectUrl)
  expect(portal.status).toBe(200)
  const html = await portal.text()
  expect(html).toContain('Connect Riverside Medical Center to b.well')
  const { action, fields } = formOf(html)
  const decided = await fetch(new URL(action, redirectUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, decision }).toString(),
  })
  const callbackUrl = location(decided, redirectUrl)
  expect(callbackUrl.startsWith(`${backend.origins.bwell}/oauth/callback?`)).toBe(true)
  const callback = await fetch(callbackUrl, { redirect: 'manual' })
  return {
    connectionId,
    redirectUrl,
    callbackUrl,
    finalUrl: new URL(location(callback, callbackUrl)),
  }
}

describe('b.well connection flow', () => {
  let backend: MockBackend
  let token: string
  let jamesToken: string
  beforeAll(async () => {
    backend = await startTestBackend()
    token = (await signIn(backend.origins.medblocks)).tokens.access_token
    jamesToken = (await signIn(backend.origins.medblocks, 'james.chalmers', 'james-password'))
      .tokens.access_token
  })
  afterAll(async () => {
    await backend.close()
  })

  it.each([
    ['allow', 'success', 'status-success'],
    ['deny', 'cancelled', 'status-failure'],
    ['fail', 'error', 'status-failure'],
    ['expire', 'expired', 'status-failure'],
    ['tamper', 'unauthorized', 'status-failure'],
  ])(
    '[SEC-3] should turn %s into status_code=%s on the hosted page, posting to the app origin',
    async (decision, code, message) => {
      const { finalUrl } = await runFlow(backend, token, decision)
      expect(finalUrl.origin + finalUrl.pathname).toBe(`${backend.origins.bwell}/oauth/complete`)
      expect(finalUrl.searchParams.getAll('status_code')).toEqual([code])
      const page = await fetch(finalUrl)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain(`const message = "${message}";`)
      expect(html).toContain(`const targetOrigin = "${app}";`)
      expect(html).toContain('window.opener.postMessage(message, targetOrigin)')
      expect(html).not.toContain("'*'")
      expect(html).toContain(`data-status-code="${code}"`)
      const csp = page.headers.get('content-security-policy') ?? ''
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
      expect(html).toContain(`<script nonce="${nonce}">`)
    },
  )

  it.each([
    ['allow', 'success'],
    ['deny', 'cancelled'],
    ['fail', 'error'],
    ['expire', 'expired'],
    ['tamper', 'unauthorized'],
  ])(
    'should send %s to the custom redirect with status_code=%s, keeping attempt',
    async (decision, code) => {
      const redirectUri = `${app}/connect/callback?attempt=att-1&status_code=success`
      const { finalUrl } = await runFlow(backend, token, decision, redirectUri)
      expect(finalUrl.origin + finalUrl.pathname).toBe(`${app}/connect/callback`)
      expect(finalUrl.searchParams.get('attempt')).toBe('att-1')
      expect(finalUrl.searchParams.getAll('status_code')).toEqual([code])
    },
  )

  it('should move a connection NEW → RETRIEVING_DATA → DATA_RETRIEVED after Allow', async () => {
    const created = await gql(backend, token, createConnection, { p: 'summit-diagnostics' })
    expect(created.body.data.createConnection.status).toBe('NEW')
    const { connectionId } = await runFlow(backend, token, 'allow')
    const during = await gql(backend, token, connectionQuery, { id: connectionId })
    expect(during.body.data.connection.status).toBe('RETRIEVING_DATA')
    await new Promise((r) => setTimeout(r, retrievalMs + 50))
    const after = await gql(backend, token, connectionQuery, { id: connectionId })
    expect(after.body.data.connection.status).toBe('DATA_RETRIEVED')
  })

  it('should mark the connection EXPIRED after Expire and reconnect it with a new flow', async () => {
    const { connectionId } = await runFlow(backend, token, 'expire')
    const expired = await gql(backend, token, connectionQuery, { id: connectionId })
    expect(expired.body.data.connection.status).toBe('EXPIRED')
    const url = await gql(backend, token, getOauthUrl, { c: connectionId })
    expect(url.body.data.getOauthUrl.redirectUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/,
    )
  })

  it('should leave the connection NEW after Deny', async () => {
    const { connectionId } = await runFlow(backend, token, 'deny')
    const status = await gql(backend, token, connectionQuery, { id: connectionId })
    expect(status.body.data.connection.status).toBe('NEW')
  })

  it('should disconnect a connection', async () => {
    const created = await gql(backend, token, createConnection, { p: 'greenleaf-rx' })
    const id = created.body.data.createConnection.id
    const res = await gql(
      backend,
      token,
      `mutation($id: ID!) { disconnectConnection(id: $id) { id status } }`,
      { id },
    )
    expect(res.body.data.disconnectConnection.status).toBe('DISCONNECTED')
  })

  it('[SEC-5] should answer a replayed callback with unauthorized', async () => {
    const { callbackUrl } = await runFlow(backend, token, 'allow')
    const replay = await fetch(callbackUrl, { redirect: 'manual' })
    expect(new URL(location(replay, callbackUrl)).searchParams.get('status_code')).toBe(
      'unauthorized',
    )
  })

  it('[SEC-5] should answer a callback with a missing, repeated or foreign state with unauthorized', async () => {
    const created = await gql(backend, token, createConnection, { p: 'riverside-medical-center' })
    const id = created.body.data.createConnection.id
    const other = await gql(backend, token, createConnection, { p: 'riverside-medical-center' })
    const a = new URL(
      (await gql(backend, token, getOauthUrl, { c: id })).body.data.getOauthUrl.redirectUrl,
    )
    const b = new URL(
      (await gql(backend, token, getOauthUrl, { c: other.body.data.createConnection.id })).body.data
        .getOauthUrl.redirectUrl,
    )
    const callback = (params: [string, string][]) =>
      fetch(`${backend.origins.bwell}/oauth/callback?${new URLSearchParams(params)}`, {
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
      // The right state and flow but a code the portal never issued: the provider exchange fails.
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

  it('should search providers, listing all for an empty query', async () => {
    const all = await gql(
      backend,
      token,
      `{ searchProviders(query: "") { id name category logoUrl } }`,
    )
    expect(all.body.data.searchProviders.length).toBeGreaterThanOrEqual(20)
    const labs = await gql(backend, token, `{ searchProviders(query: "diagnostics") { id name } }`)
    expect(labs.body.data.searchProviders).toEqual([
      { id: 'summit-diagnostics', name: 'Summit Diagnostics' },
    ])
    const logo = await fetch(all.body.data.searchProviders[0].logoUrl)
    expect(logo.headers.get('content-type')).toBe('image/svg+xml')
  })

  it('should require a valid Medblocks bearer token on every operation', async () => {
    for (const bad of [undefined, 'not-a-jwt', `${token.slice(0, -4)}AAAA`]) {
      const res = await gql(backend, bad, `{ searchProviders(query: "") { id } }`)
      expect(res.body.data).toBeNull()
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED')
    }
    const mutation = await gql(backend, undefined, createConnection, { p: 'greenleaf-rx' })
    expect(mutation.body.errors[0].extensions.code).toBe('UNAUTHENTICATED')
  })

  it('should refuse a Medblocks client-credentials token for another audience', async () => {
    // A b.well system token is an RS256 JWT too, but from another issuer.
    const res = await fetch(`${backend.origins.bwell}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=bwell-backend&client_secret=bwell-backend-secret',
    })
    const { access_token } = await res.json()
    const out = await gql(backend, access_token, `{ searchProviders(query: "") { id } }`)
    expect(out.body.errors[0].extensions.code).toBe('UNAUTHENTICATED')
  })

  it('should answer unknown ids with NOT_FOUND and hide other users’ connections', async () => {
    const unknownProvider = await gql(backend, token, createConnection, { p: 'nope' })
    expect(unknownProvider.body.errors[0].extensions.code).toBe('NOT_FOUND')
    const unknown = await gql(backend, token, getOauthUrl, { c: 'conn_missing' })
    expect(unknown.body.errors[0].extensions.code).toBe('NOT_FOUND')
    const created = await gql(backend, token, createConnection, { p: 'greenleaf-rx' })
    const id = created.body.data.createConnection.id
    const asJames = await gql(backend, jamesToken, getOauthUrl, { c: id })
    expect(asJames.body.errors[0].extensions.code).toBe('NOT_FOUND')
    const read = await gql(backend, jamesToken, connectionQuery, { id })
    expect(read.body.data.connection).toBeNull()
  })

  it.each([
    'https://evil.example/connect/callback',
    'http://localhost:5173.evil.example/cb',
    'http://localhost:51730/cb',
    'https://localhost:5173/cb',
    'http://user@localhost:5173/cb',
    'javascript:alert(1)',
    '//evil.example/cb',
    'http://localhost:5173',
  ])('[SEC-9] should refuse redirectUri %s with BAD_USER_INPUT', async (redirectUri) => {
    const created = await gql(backend, token, createConnection, { p: 'greenleaf-rx' })
    const res = await gql(backend, token, getOauthUrl, {
      c: created.body.data.createConnection.id,
      r: redirectUri,
    })
    expect(res.body.data).toBeNull()
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT')
  })

  it('should answer malformed GraphQL with errors and no stack trace', async () => {
    const post = (body: string, contentType = 'application/json') =>
      fetch(`${backend.origins.bwell}/v1/graphql`, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
        body,
      })
    for (const res of [
      await post('{"'),
      await post(JSON.stringify({ query: '{ searchProviders(' })),
      await post(JSON.stringify({ query: '{ nope }' })),
      await post(
        JSON.stringify({
          query: 'query($q: String!) { searchProviders(query: $q) { id } }',
          variables: { q: 5 },
        }),
      ),
    ]) {
      expect(res.status).toBeGreaterThanOrEqual(200)
      const body = await res.json()
      expect(Array.isArray(body.errors)).toBe(true)
      expect(JSON.stringify(body)).not.toMatch(/stack|\.ts:\d+|\.js:\d+/)
    }
  })

  it('should allow the app origin through CORS, with the Authorization preflight', async () => {
    const preflight = await fetch(`${backend.origins.bwell}/v1/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: app,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(app)
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/)
    const foreign = await fetch(`${backend.origins.bwell}/v1/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5174', 'access-control-request-method': 'POST' },
    })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('should refuse a portal request for another redirect_uri or provider, escaping the input', async () => {
    const created = await gql(backend, token, createConnection, { p: 'greenleaf-rx' })
    const url = new URL(
      (await gql(backend, token, getOauthUrl, { c: created.body.data.createConnection.id })).body
        .data.getOauthUrl.redirectUrl,
    )
    url.searchParams.set('redirect_uri', 'https://evil.example/cb')
    expect((await fetch(url)).status).toBe(400)
    url.searchParams.set('redirect_uri', `${backend.origins.bwell}/oauth/callback`)
    url.searchParams.set('provider_id', '<script>')
    const res = await fetch(url)
    expect(res.status).toBe(400)
    expect(await res.text()).not.toContain('<script>')
  })

  it('should show an unknown or repeated status_code on the hosted page as a failure, escaped', async () => {
    const page = await fetch(`${backend.origins.bwell}/oauth/complete?status_code=%3Cb%3Ex`)
    const html = await page.text()
    expect(html).toContain('const message = "status-failure";')
    expect(html).not.toContain('<b>x')
    const repeated = await fetch(
      `${backend.origins.bwell}/oauth/complete?status_code=success&status_code=success`,
    )
    expect(await repeated.text()).toContain('const message = "status-failure";')
  })
})
