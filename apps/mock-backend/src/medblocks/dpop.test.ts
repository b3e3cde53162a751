import type { IncomingMessage } from 'node:http'
import { calculateJwkThumbprint, decodeJwt, exportJWK, SignJWT } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterEach, describe, expect, it } from 'vitest'
import type { MockBackend } from '../server.ts'
import { authorize, insecure, redirectUri, spaClient, startTestBackend } from '../testSupport.ts'
import { createDPoPChecker, DPoPRefusal } from './dpop.ts'

const es256 = () =>
  crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])

/** Counts every request a DPoP handle sends, with its status, through oauth4webapi's customFetch. */
function recorder() {
  const seen: { url: string; status: number; dpop: string | undefined }[] = []
  return {
    seen,
    options: {
      ...insecure,
      [oauth.customFetch]: async (url: string, init: oauth.CustomFetchOptions<string, unknown>) => {
        const response = await fetch(url, init as RequestInit)
        const headers = new Headers(init.headers)
        seen.push({ url, status: response.status, dpop: headers.get('dpop') ?? undefined })
        return response
      },
    },
  }
}

/** Runs `send`, and once more when the server asks for a nonce (the handle keeps it). */
async function withNonceRetry<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send()
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error
    return send()
  }
}

/** Signs amy in with a DPoP proof on the code exchange; returns the tokens and the handle. */
async function signInWithDPoP(issuer: string, keys: CryptoKeyPair) {
  const { as, callbackUrl, verifier, state, nonce } = await authorize(
    issuer,
    'amy.shaw',
    'amy-password',
  )
  const DPoP = oauth.DPoP(spaClient, keys)
  const token = recorder()
  const params = oauth.validateAuthResponse(as, spaClient, callbackUrl, state)
  const tokens = await withNonceRetry(async () =>
    oauth.processAuthorizationCodeResponse(
      as,
      spaClient,
      await oauth.authorizationCodeGrantRequest(
        as,
        spaClient,
        oauth.None(),
        params,
        redirectUri,
        verifier,
        { ...token.options, DPoP },
      ),
      { expectedNonce: nonce },
    ),
  )
  return { as, DPoP, tokens, token }
}

describe('medblocks DPoP', () => {
  let backend: MockBackend
  afterEach(async () => {
    await backend?.close()
  })

  it('[DPoP] issues a DPoP-bound token to the demo client after exactly one nonce challenge', async () => {
    backend = await startTestBackend()
    const keys = await es256()
    const { tokens, token } = await signInWithDPoP(backend.origins.medblocks, keys)
    expect(token.seen.map((s) => s.status)).toEqual([400, 200])
    expect(tokens.token_type).toBe('dpop')
    const jkt = await calculateJwkThumbprint(await exportJWK(keys.publicKey))
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt })
  })

  it('[DPoP] /fhir/Patient takes the token with its proof, after one nonce challenge', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const { DPoP, tokens } = await signInWithDPoP(issuer, await es256())
    const fhir = recorder()
    const response = await withNonceRetry(() =>
      oauth.protectedResourceRequest(
        tokens.access_token,
        'GET',
        new URL(`${issuer}/fhir/Patient`),
        new Headers(),
        null,
        { ...fhir.options, DPoP },
      ),
    )
    expect(response.status).toBe(200)
    expect(fhir.seen.map((s) => s.status)).toEqual([401, 200])
    expect(await response.json()).toMatchObject({ resourceType: 'Bundle', total: 1 })
    // The same proof again is a replay.
    const replayed = await fetch(`${issuer}/fhir/Patient`, {
      headers: { authorization: `DPoP ${tokens.access_token}`, dpop: fhir.seen[1]?.dpop ?? '' },
    })
    expect(replayed.status).toBe(401)
    expect(replayed.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"')
  })

  it('[DPoP] the SMART routes take the token with its proof through the same gate as /fhir/Patient', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const { DPoP, tokens } = await signInWithDPoP(issuer, await es256())
    const fhir = recorder()
    const response = await withNonceRetry(() =>
      oauth.protectedResourceRequest(
        tokens.access_token,
        'GET',
        new URL(`${issuer}/fhir/Patient/amy-shaw`),
        new Headers(),
        null,
        { ...fhir.options, DPoP },
      ),
    )
    // Authenticated (no 401 after the nonce round): the demo client's token has no SMART scope,
    // so the scope check answers, as it would for a bearer token.
    expect(fhir.seen.map((s) => s.status)).toEqual([401, 403])
    expect(await response.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'forbidden' }],
    })
  })

  it('[DPoP] refuses the bare token: as a bearer token, and as DPoP without a proof', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const { tokens } = await signInWithDPoP(issuer, await es256())
    const bearer = await fetch(`${issuer}/fhir/Patient`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(bearer.status).toBe(401)
    expect(bearer.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/)
    // The SMART routes pass the same gate, and refuse it too.
    const smart = await fetch(`${issuer}/fhir/Observation?patient=amy-shaw`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(smart.status).toBe(401)
    const bare = await fetch(`${issuer}/fhir/Patient`, {
      headers: { authorization: `DPoP ${tokens.access_token}` },
    })
    expect(bare.status).toBe(401)
    expect(bare.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"')
  })

  it('[DPoP] refreshes with the same key only: another key gets invalid_grant', async () => {
    backend = await startTestBackend()
    const keys = await es256()
    const { as, DPoP, tokens } = await signInWithDPoP(backend.origins.medblocks, keys)
    const refreshToken = tokens.refresh_token ?? ''
    const other = oauth.DPoP(spaClient, await es256())
    const stolen = withNonceRetry(async () =>
      oauth.processRefreshTokenResponse(
        as,
        spaClient,
        await oauth.refreshTokenGrantRequest(as, spaClient, oauth.None(), refreshToken, {
          ...insecure,
          DPoP: other,
        }),
      ),
    )
    await expect(stolen).rejects.toMatchObject({ error: 'invalid_grant' })
    const refreshed = await withNonceRetry(async () =>
      oauth.processRefreshTokenResponse(
        as,
        spaClient,
        await oauth.refreshTokenGrantRequest(as, spaClient, oauth.None(), refreshToken, {
          ...insecure,
          DPoP,
        }),
      ),
    )
    expect(refreshed.token_type).toBe('dpop')
    expect(decodeJwt(refreshed.access_token).cnf).toEqual(decodeJwt(tokens.access_token).cnf)
  })

  it('[DPoP] leaves bearer clients as they were', async () => {
    backend = await startTestBackend()
    const issuer = backend.origins.medblocks
    const { as, callbackUrl, verifier, state, nonce } = await authorize(
      issuer,
      'amy.shaw',
      'amy-password',
    )
    const params = oauth.validateAuthResponse(as, spaClient, callbackUrl, state)
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      spaClient,
      await oauth.authorizationCodeGrantRequest(
        as,
        spaClient,
        oauth.None(),
        params,
        redirectUri,
        verifier,
        insecure,
      ),
      { expectedNonce: nonce },
    )
    expect(tokens.token_type).toBe('bearer')
    const response = await fetch(`${issuer}/fhir/Patient`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(response.status).toBe(200)
  })
})

describe('createDPoPChecker', () => {
  const url = 'https://fhir.example/fhir/Patient'
  const token = 'the-access-token'
  const request = (method = 'GET', dpop?: string) =>
    ({ method, headers: dpop === undefined ? {} : { dpop } }) as unknown as IncomingMessage

  async function setup() {
    let now = 1_700_000_000_000
    const checker = createDPoPChecker(() => now)
    const keys = await es256()
    const jwk = await exportJWK(keys.publicKey)
    const jkt = await calculateJwkThumbprint(jwk)
    let counter = 0
    const proof = (claims: Record<string, unknown> = {}, signWith = keys.privateKey) =>
      new SignJWT({
        htm: 'GET',
        htu: url,
        ath: 'tXIz_LcjOzQWMdBspP4RL7Ui6QQwQmCkCDNsEYXWVtI',
        iat: Math.floor(now / 1000),
        jti: `proof-number-${++counter}-of-this-test`,
        nonce: checker.currentNonce(),
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .sign(signWith)
    return { checker, proof, jkt, advance: (ms: number) => (now += ms) }
  }

  async function refusal(promise: Promise<void>): Promise<DPoPRefusal> {
    const error = await promise.then(
      () => undefined,
      (cause: unknown) => cause,
    )
    expect(error).toBeInstanceOf(DPoPRefusal)
    return error as DPoPRefusal
  }

  it('[DPoP] accepts a good proof once and refuses its replay', async () => {
    const { checker, proof, jkt } = await setup()
    const good = await proof({ ath: await sha256(token) })
    await checker.check(request('GET', good), url, 'DPoP', token, { jkt })
    const replay = await refusal(checker.check(request('GET', good), url, 'DPoP', token, { jkt }))
    expect(replay).toMatchObject({
      error: 'invalid_dpop_proof',
      message: expect.stringMatching(/replayed/),
    })
  })

  it('[DPoP] refuses a proof for another URL, another method, another token or a stale iat', async () => {
    const { checker, proof, jkt } = await setup()
    const ath = await sha256(token)
    const cases: [Record<string, unknown>, string][] = [
      [{ ath, htu: 'https://fhir.example/fhir/Observation' }, 'htu'],
      [{ ath, htm: 'POST' }, 'htm'],
      [{ ath: await sha256('another-token') }, 'ath'],
      [{ ath, iat: Math.floor(1_700_000_000_000 / 1000) - 61 }, 'iat'],
    ]
    for (const [claims, claim] of cases) {
      const error = await refusal(
        checker.check(request('GET', await proof(claims)), url, 'DPoP', token, { jkt }),
      )
      expect(error).toMatchObject({
        error: 'invalid_dpop_proof',
        message: expect.stringContaining(`"${claim}"`),
      })
    }
  })

  it('[DPoP] asks for a nonce when the proof has none or an old one, and keeps the previous one for a period', async () => {
    const { checker, proof, jkt, advance } = await setup()
    const ath = await sha256(token)
    const none = await refusal(
      checker.check(request('GET', await proof({ ath, nonce: undefined })), url, 'DPoP', token, {
        jkt,
      }),
    )
    expect(none.error).toBe('use_dpop_nonce')
    const first = checker.currentNonce()
    advance(5 * 60_000)
    expect(checker.currentNonce()).not.toBe(first)
    await checker.check(request('GET', await proof({ ath, nonce: first })), url, 'DPoP', token, {
      jkt,
    })
    advance(5 * 60_000)
    checker.currentNonce()
    const old = await refusal(
      checker.check(request('GET', await proof({ ath, nonce: first })), url, 'DPoP', token, {
        jkt,
      }),
    )
    expect(old.error).toBe('use_dpop_nonce')
  })

  it('[DPoP] refuses a proof by another key than the token is bound to', async () => {
    const { checker, proof } = await setup()
    const ath = await sha256(token)
    const other = await setup()
    const error = await refusal(
      checker.check(request('GET', await proof({ ath })), url, 'DPoP', token, { jkt: other.jkt }),
    )
    expect(error.error).toBe('invalid_token')
  })
})

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Buffer.from(digest).toString('base64url')
}
