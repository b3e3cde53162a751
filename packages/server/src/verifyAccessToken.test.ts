import {
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  AccessTokenError,
  InsecureEndpointError,
  InsufficientScopeError,
  JwksError,
} from './errors.ts'
import { startServer, type TestServer } from './test/httpServer.ts'
import {
  JWKS_COOLDOWN_SECONDS,
  JWKS_MAX_AGE_SECONDS,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from './verifyAccessToken.ts'

const ISSUER = 'http://127.0.0.1:4002'
const AUDIENCE = 'http://127.0.0.1:4002/fhir'

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>
interface NamedKey {
  readonly kid: string
  readonly pair: KeyPair
  readonly jwk: JWK
}

async function namedKey(kid: string): Promise<NamedKey> {
  const pair = await generateKeyPair('RS256', { extractable: true })
  return { kid, pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' } }
}

let keyA: NamedKey
let keyB: NamedKey
let keyC: NamedKey

beforeAll(async () => {
  ;[keyA, keyB, keyC] = await Promise.all([namedKey('a'), namedKey('b'), namedKey('c')])
})

let published: JWK[]
let jwksServer: TestServer
let jwksUri: string
let jwksPath: string
let tests = 0

beforeEach(async () => {
  published = [keyA.jwk]
  jwksServer = await startServer(() => ({ json: { keys: published } }))
  // A fresh path per test gives each test its own cache entry (and its own failure cooldown),
  // even when the operating system hands out a port an earlier test used.
  tests += 1
  jwksPath = `/jwks/${tests}`
  jwksUri = `${jwksServer.origin}${jwksPath}`
})

afterEach(async () => {
  vi.useRealTimers()
  await jwksServer.close()
})

function sign(
  key: NamedKey,
  claims: JWTPayload = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'backend',
    client_id: 'backend',
    scope: 'patients:read consents:read',
    iat: now,
    exp: now + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...header })
    .sign(key.pair.privateKey)
}

function options(extra: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions {
  return { jwksUri, issuer: ISSUER, audience: AUDIENCE, ...extra } as VerifyAccessTokenOptions
}

const jwksFetches = () => jwksServer.requestsTo(jwksPath).length

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error,
  )
}

describe('verifyAccessToken', () => {
  it('should return the claims of a valid RS256 access token', async () => {
    const claims = await verifyAccessToken(await sign(keyA), options())

    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'backend',
      client_id: 'backend',
      scope: 'patients:read consents:read',
    })
    expect(typeof claims.exp).toBe('number')
  })

  it('should verify against a local key set', async () => {
    const claims = await verifyAccessToken(await sign(keyA), {
      jwks: { keys: [keyA.jwk] },
      issuer: ISSUER,
      audience: [AUDIENCE, 'other'],
    })

    expect(claims.iss).toBe(ISSUER)
    expect(jwksFetches()).toBe(0)
  })

  describe('algorithms', () => {
    it('[SEC-26] should reject alg none', async () => {
      const encode = (value: unknown) => base64url.encode(JSON.stringify(value))
      const now = Math.floor(Date.now() / 1000)
      const token = `${encode({ alg: 'none', typ: 'at+jwt', kid: 'a' })}.${encode({
        iss: ISSUER,
        aud: AUDIENCE,
        exp: now + 3600,
      })}.`

      const error = await rejection(verifyAccessToken(token, options()))

      expect(error).toBeInstanceOf(AccessTokenError)
      expect(error).toMatchObject({ code: 'ERR_ACCESS_TOKEN_INVALID' })
    })

    it('[SEC-26] should reject HS256 signed with the public key', async () => {
      const pem = await exportSPKI(keyA.pair.publicKey)
      const jwkN = new TextEncoder().encode(JSON.stringify(keyA.jwk))
      for (const secret of [new TextEncoder().encode(pem), jwkN]) {
        const token = await new SignJWT({ scope: 'patients:read' })
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'a' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('1h')
          .sign(secret)

        const error = await rejection(verifyAccessToken(token, options()))

        expect(error).toMatchObject({
          name: 'AccessTokenError',
          code: 'ERR_ACCESS_TOKEN_INVALID',
          message: 'access token "alg" must be RS256',
        })
      }
    })

    it.each(['RS384', 'RS512', 'PS256'])(
      '[SEC-26] should reject %s even from the right key',
      async (alg) => {
        // Same modulus as key a, so only the algorithm differs from an accepted token.
        const privateKey = await importJWK({ ...(await exportJWK(keyA.pair.privateKey)), alg }, alg)
        const token = await new SignJWT({})
          .setProtectedHeader({ alg, typ: 'at+jwt', kid: 'a' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('1h')
          .sign(privateKey)

        await expect(verifyAccessToken(token, options())).rejects.toMatchObject({
          message: 'access token "alg" must be RS256',
        })
      },
    )

    it('[SEC-26] should reject a tampered payload', async () => {
      const [header, , signature] = (await sign(keyA)).split('.')
      const forged = base64url.encode(
        JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: 9_999_999_999, scope: 'admin' }),
      )

      await expect(
        verifyAccessToken(`${header}.${forged}.${signature}`, options()),
      ).rejects.toMatchObject({
        code: 'ERR_ACCESS_TOKEN_INVALID',
        message: 'access token signature verification failed',
      })
    })

    it('[SEC-26] should reject a token signed by another key under a known kid', async () => {
      const token = await sign({ ...keyB, kid: 'a' })

      await expect(verifyAccessToken(token, options())).rejects.toMatchObject({
        code: 'ERR_ACCESS_TOKEN_INVALID',
        message: 'access token signature verification failed',
      })
    })

    it.each(['{', 'a.b', 'a.b.c', ''])(
      '[SEC-26] should reject the malformed token %j',
      async (token) => {
        const error = await rejection(verifyAccessToken(token, options()))

        expect(error).toBeInstanceOf(AccessTokenError)
        expect(error).toMatchObject({ code: 'ERR_ACCESS_TOKEN_INVALID' })
      },
    )
  })

  describe('claims', () => {
    it.each([
      ['iss', { iss: 'http://127.0.0.1:4000' }],
      ['iss', { iss: `${ISSUER}/` }],
      ['aud', { aud: 'http://127.0.0.1:4003' }],
      ['aud', { aud: [`${AUDIENCE}/x`] }],
    ])('[SEC-26] should reject a wrong "%s"', async (claim, claims) => {
      const token = await sign(keyA, claims)

      await expect(verifyAccessToken(token, options())).rejects.toMatchObject({
        name: 'AccessTokenError',
        code: 'ERR_ACCESS_TOKEN_INVALID',
        message: `access token has a missing or unexpected "${claim}" claim`,
      })
    })

    it('[SEC-26] should reject an expired token', async () => {
      const token = await sign(keyA, { exp: Math.floor(Date.now() / 1000) - 1 })

      const error = await rejection(verifyAccessToken(token, options()))

      expect(error).toBeInstanceOf(AccessTokenError)
      expect(error).toMatchObject({
        code: 'ERR_ACCESS_TOKEN_EXPIRED',
        message: 'access token has expired ("exp")',
      })
    })

    it('[SEC-26] should reject a token without exp', async () => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'a' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .sign(keyA.pair.privateKey)

      await expect(verifyAccessToken(token, options())).rejects.toMatchObject({
        message: 'access token has a missing or unexpected "exp" claim',
      })
    })

    it('[SEC-26] should reject a typ other than at+jwt', async () => {
      await expect(
        verifyAccessToken(await sign(keyA, {}, { typ: 'JWT' }), options()),
      ).rejects.toMatchObject({
        code: 'ERR_ACCESS_TOKEN_INVALID',
        message: 'access token "typ" header must be "at+jwt"',
      })
    })

    it.each(['at+jwt', 'application/at+jwt', 'AT+JWT', 'Application/AT+JWT'])(
      '[SEC-31] should accept the typ %s',
      async (typ) => {
        await expect(
          verifyAccessToken(await sign(keyA, {}, { typ }), options()),
        ).resolves.toMatchObject({ iss: ISSUER })
      },
    )

    it('[SEC-31] should reject an ID token signed by the same key for the same audience', async () => {
      // What an OpenID provider issues to a client whose id is also the API's audience: no typ.
      const idToken = await sign(
        keyA,
        { nonce: 'n-1', auth_time: Math.floor(Date.now() / 1000), scope: undefined },
        { typ: undefined },
      )

      const error = await rejection(verifyAccessToken(idToken, options()))

      expect(error).toBeInstanceOf(AccessTokenError)
      expect(error).toMatchObject({
        code: 'ERR_ACCESS_TOKEN_INVALID',
        message: 'access token "typ" header must be "at+jwt"',
      })
    })

    it.each(['JWT', 'jwt', 'id_token+jwt', 'application/jwt', 'at+jwt2', 'xat+jwt', ''])(
      '[SEC-31] should reject the typ %j',
      async (typ) => {
        await expect(
          verifyAccessToken(await sign(keyA, {}, { typ }), options({ allowMissingTyp: true })),
        ).rejects.toMatchObject({
          code: 'ERR_ACCESS_TOKEN_INVALID',
          message: 'access token "typ" header must be "at+jwt"',
        })
      },
    )

    it('[SEC-31] should accept a missing typ only with allowMissingTyp', async () => {
      const untyped = await sign(keyA, {}, { typ: undefined })

      await expect(verifyAccessToken(untyped, options())).rejects.toThrow(AccessTokenError)
      await expect(verifyAccessToken(untyped, options({ allowMissingTyp: false }))).rejects.toThrow(
        AccessTokenError,
      )
      await expect(
        verifyAccessToken(untyped, options({ allowMissingTyp: true })),
      ).resolves.toMatchObject({ iss: ISSUER, sub: 'backend' })
    })

    it('should reject a non-boolean allowMissingTyp', async () => {
      await expect(
        verifyAccessToken(
          await sign(keyA),
          options({ allowMissingTyp: 'yes' } as unknown as Partial<VerifyAccessTokenOptions>),
        ),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
        message: '"allowMissingTyp" must be a boolean',
      })
    })
  })

  describe('scopes', () => {
    it('should accept a token carrying every required scope', async () => {
      await expect(
        verifyAccessToken(
          await sign(keyA),
          options({ requiredScopes: ['consents:read', 'patients:read'] }),
        ),
      ).resolves.toMatchObject({ sub: 'backend' })
    })

    it('should read scp as an array', async () => {
      const token = await sign(keyA, { scope: undefined, scp: ['patients:read'] })

      await expect(
        verifyAccessToken(token, options({ requiredScopes: ['patients:read'] })),
      ).resolves.toMatchObject({ scp: ['patients:read'] })
    })

    it('should refuse a missing scope without matching prefixes', async () => {
      const token = await sign(keyA, { scope: 'patients:read:all patients' })

      const error = await rejection(
        verifyAccessToken(token, options({ requiredScopes: ['patients:read', 'patients'] })),
      )

      expect(error).toBeInstanceOf(InsufficientScopeError)
      expect(error).toMatchObject({
        code: 'ERR_INSUFFICIENT_SCOPE',
        missingScopes: ['patients:read'],
      })
    })
  })

  describe('key set', () => {
    it('[SEC-26] should refetch once for an unknown kid, then not again within the cooldown', async () => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(Date.UTC(2026, 0, 1))
      await verifyAccessToken(await sign(keyA), options())
      expect(jwksFetches()).toBe(1)

      // Rotation: the issuer now publishes b. Right after a fetch we are still cooling down.
      published = [keyA.jwk, keyB.jwk]
      const tokenB = await sign(keyB)
      await expect(verifyAccessToken(tokenB, options())).rejects.toMatchObject({
        message: 'access token "kid" matches no key of the issuer',
      })
      expect(jwksFetches()).toBe(1)

      vi.setSystemTime(Date.now() + JWKS_COOLDOWN_SECONDS * 1000)
      await expect(verifyAccessToken(tokenB, options())).resolves.toMatchObject({ iss: ISSUER })
      expect(jwksFetches()).toBe(2)

      // A forged kid within the cooldown: refused, and the issuer is not asked again.
      const tokenC = await sign(keyC)
      vi.setSystemTime(Date.now() + JWKS_COOLDOWN_SECONDS * 1000 - 1)
      for (let i = 0; i < 50; i++) {
        await expect(verifyAccessToken(tokenC, options())).rejects.toThrow(AccessTokenError)
      }
      expect(jwksFetches()).toBe(2)

      // After the cooldown, many concurrent unknown kids share one refetch.
      vi.setSystemTime(Date.now() + 1)
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => verifyAccessToken(tokenC, options())),
      )
      expect(results.every((r) => r.status === 'rejected')).toBe(true)
      expect(jwksFetches()).toBe(3)
    })

    it('should report an unreachable key set as a JwksError', async () => {
      jwksServer.handle(() => ({ status: 500 }))

      const error = await rejection(verifyAccessToken(await sign(keyA), options()))

      expect(error).toBeInstanceOf(JwksError)
      expect(error).toMatchObject({ name: 'JwksError', code: 'ERR_JWKS_UNAVAILABLE' })
    })

    it.each([
      ['a 503', () => ({ status: 503 })],
      ['a 500 with JSON', () => ({ status: 500, json: { keys: [] } })],
      [
        'a body that is not JSON',
        () => ({ body: '{"keys": [', headers: { 'content-type': 'application/json' } }),
      ],
      ['a JSON body that is not a key set', () => ({ json: { keys: 'none' } })],
      ['a JSON array', () => ({ json: [keyA.jwk] })],
    ])(
      '[SEC-32] should not fetch a failing key set (%s) again for each token within the cooldown',
      async (_, reply) => {
        vi.useFakeTimers({ toFake: ['Date'] })
        vi.setSystemTime(Date.UTC(2026, 0, 1))
        jwksServer.handle(reply)
        const token = await sign(keyA)

        for (let i = 0; i < 20; i++) {
          const error = await rejection(verifyAccessToken(token, options()))
          expect(error).toBeInstanceOf(JwksError)
          expect(error).toMatchObject({ code: 'ERR_JWKS_UNAVAILABLE' })
        }
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => verifyAccessToken(token, options())),
        )
        expect(results.every((r) => r.status === 'rejected')).toBe(true)
        expect(jwksFetches()).toBe(1)

        // The cooldown is over: one more try, which now succeeds.
        jwksServer.handle(() => ({ json: { keys: published } }))
        vi.setSystemTime(Date.now() + JWKS_COOLDOWN_SECONDS * 1000 - 1)
        await expect(verifyAccessToken(token, options())).rejects.toThrow(JwksError)
        expect(jwksFetches()).toBe(1)
        vi.setSystemTime(Date.now() + 1)
        await expect(verifyAccessToken(token, options())).resolves.toMatchObject({ iss: ISSUER })
        expect(jwksFetches()).toBe(2)
      },
    )

    it('[SEC-32] should not refetch a timing-out key set for each token', async () => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(Date.UTC(2026, 0, 1))
      const token = await sign(keyA)
      // A timeout seen by the client: the fetch is aborted as AbortSignal.timeout would abort it.
      const timingOut = vi.fn(async (_input: string | URL | Request) => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
      })
      vi.stubGlobal('fetch', timingOut)

      for (let i = 0; i < 10; i++) {
        await expect(verifyAccessToken(token, options())).rejects.toMatchObject({
          name: 'JwksError',
          code: 'ERR_JWKS_UNAVAILABLE',
        })
      }
      expect(timingOut).toHaveBeenCalledTimes(1)
    })

    it('[SEC-32] should keep verifying known keys with the last good set while a refetch fails', async () => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(Date.UTC(2026, 0, 1))
      await verifyAccessToken(await sign(keyA), options())
      jwksServer.handle(() => ({ status: 502 }))

      // Past the cache age the set is refetched; that fails once, then the old keys serve.
      vi.setSystemTime(Date.now() + JWKS_MAX_AGE_SECONDS * 1000)
      await expect(verifyAccessToken(await sign(keyA), options())).rejects.toThrow(JwksError)
      for (let i = 0; i < 10; i++) {
        await expect(verifyAccessToken(await sign(keyA), options())).resolves.toMatchObject({
          iss: ISSUER,
        })
        await expect(verifyAccessToken(await sign(keyB), options())).rejects.toMatchObject({
          message: 'access token "kid" matches no key of the issuer',
        })
      }
      expect(jwksFetches()).toBe(2)
    })

    it('[SEC-32] should stop accepting a key removed from a local key set', async () => {
      const jwks = { keys: [keyA.jwk, keyB.jwk] }
      const local = { jwks, issuer: ISSUER, audience: AUDIENCE }
      const tokenA = await sign(keyA)
      await expect(verifyAccessToken(tokenA, local)).resolves.toMatchObject({ iss: ISSUER })

      jwks.keys = [keyB.jwk]

      await expect(verifyAccessToken(tokenA, local)).rejects.toMatchObject({
        code: 'ERR_ACCESS_TOKEN_INVALID',
        message: 'access token "kid" matches no key of the issuer',
      })
      await expect(verifyAccessToken(await sign(keyB), local)).resolves.toMatchObject({
        iss: ISSUER,
      })
    })

    it('[SEC-32] should accept a key added to a local key set', async () => {
      const jwks = { keys: [keyA.jwk] }
      const local = { jwks, issuer: ISSUER, audience: AUDIENCE }
      const tokenC = await sign(keyC)
      await expect(verifyAccessToken(tokenC, local)).rejects.toThrow(AccessTokenError)

      jwks.keys.push(keyC.jwk)

      await expect(verifyAccessToken(tokenC, local)).resolves.toMatchObject({ iss: ISSUER })
    })

    it('[SEC-32] should stop accepting a key whose material is replaced under the same kid', async () => {
      const jwks = { keys: [{ ...keyA.jwk }] }
      const local = { jwks, issuer: ISSUER, audience: AUDIENCE }
      const tokenA = await sign(keyA)
      await expect(verifyAccessToken(tokenA, local)).resolves.toMatchObject({ iss: ISSUER })

      jwks.keys[0] = { ...keyB.jwk, kid: 'a' }

      await expect(verifyAccessToken(tokenA, local)).rejects.toMatchObject({
        message: 'access token signature verification failed',
      })
    })

    it('[SEC-23] should refuse an http: jwksUri outside loopback', async () => {
      await expect(
        verifyAccessToken(await sign(keyA), options({ jwksUri: 'http://issuer.example/jwks' })),
      ).rejects.toThrow(InsecureEndpointError)
    })

    it('should reject options naming both or neither key source', async () => {
      const token = await sign(keyA)
      await expect(
        verifyAccessToken(token, {
          issuer: ISSUER,
          audience: AUDIENCE,
        } as VerifyAccessTokenOptions),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
      await expect(
        verifyAccessToken(
          token,
          options({ jwks: { keys: [] } } as Partial<VerifyAccessTokenOptions>),
        ),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    })
  })
})
