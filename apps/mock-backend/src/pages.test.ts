import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getOauthUrlQuery, openSession } from './bwell/testHelpers.ts'
import { type MockForTests, startMockForTests } from './testing.ts'
import { CookieJar, discover, location, redirectUri, spaClient } from './testSupport.ts'

/** Every host an HTML page names in a URL (absolute or protocol-relative), CSS `@import` included. */
function hostsIn(html: string): string[] {
  return [...html.matchAll(/(?:https?:)?\/\/([a-z0-9.-]+(?::\d+)?)/gi)].map((m) =>
    (m[1] ?? '').toLowerCase(),
  )
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '')
  return name === '127.0.0.1' || name === 'localhost'
}

describe('mock pages work offline', () => {
  let mock: MockForTests
  beforeAll(async () => {
    mock = await startMockForTests()
  })
  afterAll(async () => {
    await mock.close()
  })

  async function pages(): Promise<[string, string][]> {
    const session = await openSession(mock)
    const consentUrl: string = (await session.q(getOauthUrlQuery, { connectionId: 'epic-sandbox' }))
      .body.data.getOauthUrl.redirectUrl
    const as = await discover(mock.origins.medblocks)
    const auth = new URL(as.authorization_endpoint ?? '')
    auth.searchParams.set('client_id', spaClient.client_id)
    auth.searchParams.set('redirect_uri', redirectUri)
    auth.searchParams.set('response_type', 'code')
    auth.searchParams.set('scope', 'openid')
    auth.searchParams.set(
      'code_challenge',
      await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
    )
    auth.searchParams.set('code_challenge_method', 'S256')
    const jar = new CookieJar()
    const loginUrl = location(await jar.fetch(auth.href), auth.href)
    const urls: [string, () => Promise<Response>][] = [
      [
        'hosted completion page',
        () => fetch(`${mock.origins.bwell}/oauth/complete?status_code=success`),
      ],
      ['portal consent page', () => fetch(consentUrl)],
      ['portal error page', () => fetch(`${mock.origins.portal}/oauth/authorize`)],
      ['Medblocks login page', () => jar.fetch(loginUrl)],
      ['Medblocks error page', () => fetch(`${mock.origins.medblocks}/oauth2/auth`)],
    ]
    const out: [string, string][] = []
    for (const [name, load] of urls) {
      const res = await load()
      expect(res.headers.get('content-type'), name).toMatch(/^text\/html/)
      out.push([name, await res.text()])
    }
    return out
  }

  it('should reference no host but this machine on any of its HTML pages', async () => {
    for (const [name, html] of await pages()) {
      expect(html.length, name).toBeGreaterThan(100)
      expect(
        hostsIn(html).filter((h) => !isLoopback(h)),
        name,
      ).toEqual([])
    }
  })

  it('should notice a page that loads a web font', () => {
    const html = '<style>@import url(https://fonts.googleapis.com/css?family=Roboto);</style>'
    expect(hostsIn(html).filter((h) => !isLoopback(h))).toEqual(['fonts.googleapis.com'])
  })
})
