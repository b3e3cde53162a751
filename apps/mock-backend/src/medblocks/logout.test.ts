import { readFileSync } from 'node:fs'
import * as oauth from 'oauth4webapi'
import { afterEach, describe, expect, it } from 'vitest'
import type { MockBackend } from '../server.ts'
import {
  authorize,
  CookieJar,
  exchangeCode,
  location,
  spaClient,
  startTestBackend,
} from '../testSupport.ts'
import { endSessionPath } from './logout.ts'

const appOrigin = 'http://localhost:5173'

/** Every absolute URL a page would load or send the browser to. */
function urlsIn(html: string): string[] {
  return [
    ...html.matchAll(/(?:src|href|action)="([^"]+)"|url\(([^)]+)\)|@import\s+['"]?([^'";\s]+)/g),
  ]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
    .filter((url) => /^(https?:)?\/\//.test(url))
}

/** oidc-provider's logout form: its action and hidden fields. */
function logoutForm(html: string): { action: string; fields: Record<string, string> } {
  const action =
    /<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*id="op\.logoutForm"/.exec(
      html,
    )
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[m[1] ?? ''] = m[2] ?? ''
  }
  const target = action?.[1] ?? action?.[2]
  if (!target) throw new Error('no logout form on the page')
  return { action: target, fields }
}

describe('medblocks end-session', () => {
  let backend: MockBackend
  afterEach(async () => {
    await backend?.close()
  })

  it('should end the server session, so the next sign-in asks for the password again', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const jar = new CookieJar()
    const signedIn = await authorize(issuer, 'amy.shaw', 'amy-password', jar)
    const tokens = await oauth.processAuthorizationCodeResponse(
      signedIn.as,
      spaClient,
      await exchangeCode(signedIn.as, signedIn.callbackUrl, signedIn.state, signedIn.verifier),
      { expectedNonce: signedIn.nonce },
    )
    // While the server session lives, a sign-in never shows the password form.
    await expect(authorize(issuer, 'amy.shaw', 'not-the-password', jar)).resolves.toBeTruthy()
    expect(signedIn.as.end_session_endpoint).toBe(`${issuer}${endSessionPath}`)

    const end = new URL(`${issuer}${endSessionPath}`)
    end.searchParams.set('client_id', spaClient.client_id)
    end.searchParams.set('id_token_hint', tokens.id_token ?? '')
    end.searchParams.set('post_logout_redirect_uri', `${appOrigin}/`)
    const page = await jar.fetch(end.href)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Sign out of Medblocks?')
    const form = logoutForm(html)
    const done = await jar.fetch(new URL(form.action, end).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, logout: 'yes' }).toString(),
    })
    expect(location(done, end.href)).toBe(`${appOrigin}/`)
    await expect(authorize(issuer, 'amy.shaw', 'not-the-password', jar)).rejects.toThrow(
      'login refused',
    )
  })

  it('should load nothing from outside this machine on its sign-out pages', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const jar = new CookieJar()
    await authorize(issuer, 'amy.shaw', 'amy-password', jar)
    const end = `${issuer}${endSessionPath}`
    const confirm = await (await jar.fetch(end)).text()
    const form = logoutForm(confirm)
    const done = await jar.fetch(new URL(form.action, end).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, logout: 'yes' }).toString(),
    })
    const successUrl = location(done, end)
    const success = await jar.fetch(successUrl)
    expect(success.status).toBe(200)
    const successHtml = await success.text()
    expect(successHtml).toContain('Signed out')
    for (const html of [confirm, successHtml]) {
      expect(html).not.toMatch(/fonts\.googleapis|@import/)
      for (const url of urlsIn(html)) expect(new URL(url, issuer).origin).toBe(issuer)
    }
  })
})

describe('endpoint paths in the sign-in docs', () => {
  let backend: MockBackend
  afterEach(async () => {
    await backend?.close()
  })

  it('should all exist on the Medblocks-style mock', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const docs = [
      '../../../../packages/core/docs/login.md',
      '../../../../packages/react/docs/auth.md',
    ]
      .map((path) => readFileSync(new URL(path, import.meta.url), 'utf8'))
      .join('\n')
    const paths = new Set(
      [...docs.matchAll(/http:\/\/127\.0\.0\.1:4002(\/[^\s'"`)?#]*)/g)]
        .map((m) => m[1] ?? '')
        .filter((path) => path !== '/'),
    )
    expect(paths.size).toBeGreaterThan(3)
    const discovery = (await (
      await fetch(`${issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>
    const advertised = new Set(
      Object.values(discovery)
        .filter((value): value is string => typeof value === 'string' && value.startsWith(issuer))
        .map((value) => new URL(value).pathname),
    )
    for (const path of paths) {
      // A base URL (`fhirBaseUrl`) is checked through the paths under it.
      if (advertised.has(path) || [...paths].some((other) => other.startsWith(`${path}/`))) {
        continue
      }
      // Anything else must at least be served: a 404 means the docs name a path that is not.
      const response = await fetch(`${issuer}${path}`)
      expect({ path, status: response.status }).not.toEqual({ path, status: 404 })
    }
  })
})
