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

beforeEach(async () => {
  published = [keyA.jwk]
  jwksServer = await startServer(() => ({ json: { keys: published } }))
  // A fresh path per test gives each test its own cache entry.
  jwksUri = `${jwksServer.origin}/jwks`
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

const jwksFetches = () => jwksServer.requestsTo('/jwks').length

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

    it.each(['application/at+jwt', 'AT+JWT', undefined])(
      'should accept the typ %s',
      async (typ) => {
        await expect(
          verifyAccessToken(await sign(keyA, {}, { typ }), options()),
        ).resolves.toMatchObject({
          iss: ISSUER,
        })
      },
    )
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
