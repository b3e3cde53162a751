import { decodeJwt, decodeProtectedHeader } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterEach, describe, expect, it } from 'vitest'
import type { MockBackend } from '../server.ts'
import {
  authorize,
  CookieJar,
  exchangeCode,
  insecure,
  redirectUri,
  signIn,
  spaClient,
  startTestBackend,
} from '../testSupport.ts'

describe('medblocks-style server', () => {
  let backend: MockBackend
  afterEach(async () => {
    await backend?.close()
  })

  it('should advertise Medblocks routes, S256 and the iss parameter in discovery', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const doc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()
    expect(doc).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth2/auth`,
      token_endpoint: `${issuer}/oauth2/token`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    })
    const jwks = await (await fetch(doc.jwks_uri)).json()
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).not.toHaveProperty('d')
  })

  it('should sign amy in with PKCE and issue an RS256 JWT access token for the FHIR audience', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const { tokens, as, callbackUrl } = await signIn(issuer)
    expect(callbackUrl.searchParams.get('iss')).toBe(issuer)
    expect(tokens.token_type).toBe('bearer')
    expect(tokens.expires_in).toBe(3599)
    expect(typeof tokens.refresh_token).toBe('string')
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({
      alg: 'RS256',
      typ: 'at+jwt',
    })
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: issuer,
      aud: `${issuer}/fhir`,
      sub: 'amy.shaw',
      client_id: 'oauth-connect-demo',
    })
    const claims = oauth.getValidatedIdTokenClaims(tokens)
    expect(claims).toMatchObject({ sub: 'amy.shaw', name: 'Amy V. Shaw' })
    const request = new Request(`${issuer}/fhir/Patient`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    await expect(
      oauth.validateJwtAccessToken(as, request, `${issuer}/fhir`, insecure),
    ).resolves.toMatchObject({ sub: 'amy.shaw' })
  })

  it('should refuse a wrong password on the login page with 401 and the form again', async () => {
    backend = await startTestBackend()
    await expect(authorize(backend.origins.medblocks, 'amy.shaw', 'wrong')).rejects.toThrow(
      'login refused',
    )
  })

  it('should escape what the user typed when the login page is shown again', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const jar = new CookieJar()
    const auth = new URL(`${issuer}/oauth2/auth`)
    auth.search = new URLSearchParams({
      client_id: 'oauth-connect-demo',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString()
    const first = await jar.fetch(auth.href)
    const interaction = new URL(first.headers.get('location') ?? '', issuer).href
    const page = await jar.fetch(interaction)
    const action = /action="([^"]+)"/.exec(await page.text())?.[1] ?? ''
    const res = await jar.fetch(new URL(action, issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: '"><script>alert(1)</script>',
        password: 'x',
      }).toString(),
    })
    expect(res.status).toBe(401)
    const html = await res.text()
    expect(html).not.toContain('<script>alert(1)')
    expect(html).toContain('&#34;&#62;&#60;script&#62;')
  })

  it('should reject a wrong PKCE verifier with invalid_grant', async () => {
    backend = await startTestBackend()
    const { as, callbackUrl, state } = await authorize(
      backend.origins.medblocks,
      'amy.shaw',
      'amy-password',
    )
    const res = await exchangeCode(as, callbackUrl, state, oauth.generateRandomCodeVerifier())
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('should refuse an authorization request without a code challenge', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const auth = new URL(`${issuer}/oauth2/auth`)
    auth.search = new URLSearchParams({
      client_id: 'oauth-connect-demo',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 'abc',
    }).toString()
    const res = await fetch(auth, { redirect: 'manual' })
    const back = new URL(res.headers.get('location') ?? '')
    expect(back.origin + back.pathname).toBe(redirectUri)
    expect(back.searchParams.get('error')).toBe('invalid_request')
  })

  it('should answer a reused code with invalid_grant', async () => {
    backend = await startTestBackend()
    const { as, callbackUrl, state, verifier } = await authorize(
      backend.origins.medblocks,
      'amy.shaw',
      'amy-password',
    )
    const exchange = () => exchangeCode(as, callbackUrl, state, verifier)
    expect((await exchange()).status).toBe(200)
    const again = await exchange()
    expect(again.status).toBe(400)
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('should rotate refresh tokens and refuse the old one', async () => {
    backend = await startTestBackend()
    const { as, tokens } = await signIn(backend.origins.medblocks)
    const first = tokens.refresh_token ?? ''
    const res = await oauth.refreshTokenGrantRequest(as, spaClient, oauth.None(), first, insecure)
    const rotated = await oauth.processRefreshTokenResponse(as, spaClient, res)
    expect(rotated.refresh_token).toBeTypeOf('string')
    expect(rotated.refresh_token).not.toBe(first)
    expect(rotated.expires_in).toBe(3599)
    const replay = await oauth.refreshTokenGrantRequest(
      as,
      spaClient,
      oauth.None(),
      first,
      insecure,
    )
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('should revoke a refresh token so it no longer refreshes', async () => {
    backend = await startTestBackend()
    const { as, tokens } = await signIn(backend.origins.medblocks)
    const refresh = tokens.refresh_token ?? ''
    const res = await oauth.revocationRequest(as, spaClient, oauth.None(), refresh, insecure)
    await oauth.processRevocationResponse(res)
    const after = await oauth.refreshTokenGrantRequest(
      as,
      spaClient,
      oauth.None(),
      refresh,
      insecure,
    )
    expect(after.status).toBe(400)
  })

  it('should allow CORS on the token endpoint for the app origin only', async () => {
    backend = await startTestBackend()
    const token = `${backend.origins.medblocks}/oauth2/token`
    const preflight = (origin: string) =>
      fetch(token, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      })
    const ok = await preflight('http://localhost:5173')
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    const evil = await fetch(token, {
      method: 'POST',
      headers: {
        origin: 'http://localhost:5174',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=oauth-connect-demo',
    })
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('should issue client-credentials tokens with client_secret_basic and refuse a wrong secret', async () => {
    backend = await startTestBackend()
    const as = await (await import('../testSupport.ts')).discover(backend.origins.medblocks)
    const client = { client_id: 'medblocks-backend' }
    const res = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic('medblocks-backend-secret'),
      new URLSearchParams(),
      insecure,
    )
    const tokens = await oauth.processClientCredentialsResponse(as, client, res)
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: 'medblocks-backend' })
    const wrong = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic('nope'),
      new URLSearchParams(),
      insecure,
    )
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('should reject unsupported grant types and malformed token requests', async () => {
    backend = await startTestBackend()
    const token = `${backend.origins.medblocks}/oauth2/token`
    const post = (body: string) =>
      fetch(token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })
    const unsupported = await post('grant_type=password&client_id=oauth-connect-demo')
    expect(unsupported.status).toBe(400)
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' })
    const missing = await post('client_id=oauth-connect-demo')
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' })
    const garbage = await fetch(token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"',
    })
    expect(garbage.status).toBeGreaterThanOrEqual(400)
    const text = await garbage.text()
    expect(text).not.toMatch(/at .*\.js:\d+/)
  })
})
