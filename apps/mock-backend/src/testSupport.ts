// Helpers for this package's own tests: a loopback backend, a cookie-keeping fetch, and the
// Medblocks sign-in driven through the real login page with oauth4webapi.
import * as oauth from 'oauth4webapi'
import type { Origins } from './config.ts'
import { type MockBackend, startMockBackend } from './server.ts'

/** Every stand-in on a free loopback port; the app keeps its registered origin. */
export const loopbackOrigins: Origins = {
  bwell: 'http://127.0.0.1:0',
  portal: 'http://127.0.0.1:0',
  medblocks: 'http://127.0.0.1:0',
  opescare: 'http://127.0.0.1:0',
  app: 'http://localhost:5173',
}

/** Starts a backend on loopback. */
export function startTestBackend(testMode = false): Promise<MockBackend> {
  return startMockBackend(loopbackOrigins, { testMode })
}

/** oauth4webapi options for plain-http loopback. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const

/** A minimal per-host cookie jar for driving HTML forms with fetch. */
export class CookieJar {
  readonly #cookies = new Map<string, Map<string, string>>()

  /** Fetches without following redirects, sending and storing cookies for the URL's host. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const { host } = new URL(url)
    const jar = this.#cookies.get(host) ?? new Map<string, string>()
    this.#cookies.set(host, jar)
    const headers = new Headers(init.headers)
    if (jar.size > 0) {
      headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (!pair || eq < 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name)
      else jar.set(name, value)
    }
    return res
  }
}

/** The `Location` of a redirect, resolved against the request URL; throws if there is none. */
export function location(res: Response, base: string): string {
  const value = res.headers.get('location')
  if (!value || res.status < 300 || res.status >= 400) {
    throw new Error(`expected a redirect, got ${res.status}`)
  }
  return new URL(value, base).href
}

/** Extracts the hidden inputs and form action of an HTML page. */
export function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error('no form on the page')
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[decode(m[1] ?? '')] = decode(m[2] ?? '')
  }
  return { action: decode(action), fields }
}

function decode(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
}

/** What a completed Medblocks sign-in yields. */
export interface SignIn {
  as: oauth.AuthorizationServer
  client: oauth.Client
  tokens: oauth.TokenEndpointResponse
  /** The callback URL the browser would have landed on. */
  callbackUrl: URL
}

export const spaClient: oauth.Client = { client_id: 'oauth-connect-demo' }
export const redirectUri = 'http://localhost:5173/callback'

/** Discovers the Medblocks-style server. */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer)
  const res = await oauth.discoveryRequest(url, { algorithm: 'oidc', ...insecure })
  return oauth.processDiscoveryResponse(url, res)
}

/**
 * Runs the authorization-code + PKCE flow up to the app's callback URL: the authorization
 * request, the login page, and the redirects back.
 * @returns the callback URL and the PKCE verifier, before any token request
 */
export async function authorize(
  issuer: string,
  username: string,
  password: string,
  jar = new CookieJar(),
): Promise<{
  as: oauth.AuthorizationServer
  callbackUrl: URL
  verifier: string
  state: string
  nonce: string
}> {
  const as = await discover(issuer)
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const auth = new URL(as.authorization_endpoint ?? '')
  auth.searchParams.set('client_id', spaClient.client_id)
  auth.searchParams.set('redirect_uri', redirectUri)
  auth.searchParams.set('response_type', 'code')
  auth.searchParams.set('scope', 'openid profile offline_access')
  auth.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
  auth.searchParams.set('code_challenge_method', 'S256')
  auth.searchParams.set('state', state)
  auth.searchParams.set('nonce', nonce)
  let url = auth.href
  let res = await jar.fetch(url)
  for (let hop = 0; hop < 10; hop++) {
    if (res.status === 200) {
      const html = await res.text()
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
      if (!action) throw new Error('expected the login form')
      const target = new URL(action, url).href
      res = await jar.fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      })
      url = target
      if (res.status === 401) throw new Error('login refused')
      continue
    }
    const next = location(res, url)
    if (next.startsWith(redirectUri)) {
      return { as, callbackUrl: new URL(next), verifier, state, nonce }
    }
    url = next
    res = await jar.fetch(url)
  }
  throw new Error('too many redirects')
}

/** Sends the token request for a callback URL (validating `state` and `iss` first). */
export function exchangeCode(
  as: oauth.AuthorizationServer,
  callbackUrl: URL,
  state: string,
  verifier: string,
): Promise<Response> {
  const params = oauth.validateAuthResponse(as, spaClient, callbackUrl, state)
  return oauth.authorizationCodeGrantRequest(
    as,
    spaClient,
    oauth.None(),
    params,
    redirectUri,
    verifier,
    { ...insecure, headers: { origin: 'http://localhost:5173' } },
  )
}

/** Signs a seeded user in and exchanges the code. */
export async function signIn(
  issuer: string,
  username = 'amy.shaw',
  password = 'amy-password',
): Promise<SignIn> {
  const { as, callbackUrl, verifier, state, nonce } = await authorize(issuer, username, password)
  const res = await exchangeCode(as, callbackUrl, state, verifier)
  const tokens = await oauth.processAuthorizationCodeResponse(as, spaClient, res, {
    expectedNonce: nonce,
  })
  return { as, client: spaClient, tokens, callbackUrl }
}
