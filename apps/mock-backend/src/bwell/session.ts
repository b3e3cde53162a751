import { createHash, randomBytes, randomUUID } from 'node:crypto'
import {
  createRemoteJWKSet,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose'
import type { Clock } from '../clock.ts'
import type { SigningKey } from '../keys.ts'
import { findUser } from '../medblocks/users.ts'
import type { ClientRegistration, ClientRegistry } from './clientKeys.ts'
import { bwellError } from './errors.ts'

/** Lifetime of b.well access and id tokens outside test mode (Cognito's default). */
export const accessTokenTtlSeconds = 3600
/** Lifetime in test mode: short, so a client's refresh runs inside an e2e test. */
export const testAccessTokenTtlSeconds = 120
/** Lifetime of a refresh token; refreshing does not extend or replace it. */
export const refreshTokenTtlSeconds = 30 * 24 * 60 * 60

/** The b.well user behind a verified access token. */
export interface Session {
  /** b.well's user id (the tokens' `sub`); connections are keyed by it. */
  userId: string
  /** The identity provider's `sub` (a Medblocks username), for fault matching and logs. */
  username: string
  /** The client id of the client key the session was opened with. */
  clientId: string
  /** The access token's `jti`. */
  tokenId: string
}

/** The three tokens `getToken` answers with. */
export interface IssuedTokens {
  accessToken: string
  idToken: string
  refreshToken: string
}

interface StoredRefresh {
  userId: string
  username: string
  clientId: string
  expiresAt: number
}

/** b.well's user id for an identity-provider user: stable for the same issuer and `sub`. */
export function bwellUserId(issuer: string, sub: string): string {
  return createHash('sha256').update(`${issuer}|${sub}`).digest('hex').slice(0, 24)
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'it has expired'
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `its "${error.claim}" claim is not the registered one`
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'its signature does not verify'
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return 'no key of the identity provider signed it'
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'its algorithm is not RS256'
  return 'it is not a valid JWT from the registered identity provider'
}

interface SessionOptions {
  /** b.well's signing key. */
  key: SigningKey
  /** b.well's origin: the tokens' `iss`. */
  issuer: string
  clients: ClientRegistry
  clock: Clock
  accessTtlSeconds: number
}

/**
 * b.well's side of a user session: trusts the identity provider registered for a client key,
 * issues its own RS256 access and id tokens and an opaque refresh token, and checks bearers.
 */
export class SessionAuthority {
  readonly #options: SessionOptions
  readonly #jwks = new Map<string, JWTVerifyGetKey>()
  readonly #refresh = new Map<string, StoredRefresh>()
  /** Access-token ids the `bwellTokenExpired` fault has cut short. */
  readonly #expiredEarly = new Set<string>()

  constructor(options: SessionOptions) {
    this.#options = options
  }

  /**
   * Opens a session from the identity provider's raw token (`Authorization`, no `Bearer `) and
   * the `ClientKey` header.
   * @throws a b.well `401` error naming what was wrong
   */
  async identify(
    authorization: string | undefined,
    clientKey: string | undefined,
  ): Promise<{ registration: ClientRegistration; sub: string }> {
    if (!clientKey) throw bwellError('401', 'the clientkey header is required')
    const registration = this.#options.clients.find(clientKey)
    if (!registration)
      throw bwellError('401', 'the clientkey header is not a registered client key')
    if (!authorization) {
      throw bwellError('401', "the authorization header must hold the identity provider's token")
    }
    if (/^bearer\s/i.test(authorization)) {
      throw bwellError(
        '401',
        "the authorization header must hold the identity provider's raw token, without 'Bearer '",
      )
    }
    const { issuer, audience, jwksUri } = registration.identityProvider
    let jwks = this.#jwks.get(jwksUri)
    if (!jwks) {
      jwks = createRemoteJWKSet(new URL(jwksUri))
      this.#jwks.set(jwksUri, jwks)
    }
    try {
      const { payload } = await jwtVerify(authorization, jwks, {
        algorithms: ['RS256'],
        issuer,
        audience,
        currentDate: new Date(this.#options.clock.now()),
        requiredClaims: ['sub', 'exp', 'iat'],
      })
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new TypeError('no sub')
      return { registration, sub: payload.sub }
    } catch (error) {
      throw bwellError('401', `the identity token was not accepted: ${reasonOf(error)}`)
    }
  }

  /** Issues b.well's tokens for an identified user. */
  async issue(registration: ClientRegistration, sub: string): Promise<IssuedTokens> {
    const userId = bwellUserId(registration.identityProvider.issuer, sub)
    const refreshToken = randomBytes(48).toString('base64url')
    this.#refresh.set(hash(refreshToken), {
      userId,
      username: sub,
      clientId: registration.content.clientId,
      expiresAt: this.#options.clock.now() + refreshTokenTtlSeconds * 1000,
    })
    const { accessToken, idToken } = await this.#sign(userId, sub, registration.content.clientId)
    return { accessToken, idToken, refreshToken }
  }

  /**
   * `refresh`: new access and id tokens for a refresh token issued to the same client key. The
   * refresh token itself is neither replaced nor used up.
   * @throws a b.well `401` error
   */
  async refresh(
    refreshToken: string | undefined,
    clientKey: string | undefined,
  ): Promise<{ accessToken: string; idToken: string; username: string; clientId: string }> {
    if (!clientKey) throw bwellError('401', 'the clientkey header is required')
    const registration = this.#options.clients.find(clientKey)
    if (!registration)
      throw bwellError('401', 'the clientkey header is not a registered client key')
    if (!refreshToken) throw bwellError('401', 'the refresh_token header is required')
    const stored = this.#refresh.get(hash(refreshToken))
    if (
      !stored ||
      stored.clientId !== registration.content.clientId ||
      stored.expiresAt <= this.#options.clock.now()
    ) {
      throw bwellError('401', 'the refresh_token is not valid for this client key')
    }
    const tokens = await this.#sign(stored.userId, stored.username, stored.clientId)
    return { ...tokens, username: stored.username, clientId: stored.clientId }
  }

  /** Peeks at a refresh token's user, for fault matching. */
  refreshOwner(
    refreshToken: string | undefined,
  ): { username: string; clientId: string } | undefined {
    const stored = refreshToken ? this.#refresh.get(hash(refreshToken)) : undefined
    return stored && { username: stored.username, clientId: stored.clientId }
  }

  /**
   * Checks `Authorization: Bearer <b.well access token>`.
   * @returns the session, or the reason it was refused (for the error's text)
   */
  async verify(authorization: string | undefined): Promise<Session | { refused: string }> {
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(authorization ?? '')
    if (!match?.[1]) {
      return { refused: 'authorization must be "Bearer <b.well access token>" (from getToken)' }
    }
    try {
      const { payload } = await jwtVerify(match[1], this.#options.key.publicKey, {
        algorithms: ['RS256'],
        issuer: this.#options.issuer,
        currentDate: new Date(this.#options.clock.now()),
        requiredClaims: ['sub', 'exp', 'jti'],
      })
      const { sub, jti, username, client_id: clientId, token_use: use } = payload
      if (
        use !== 'access' ||
        typeof sub !== 'string' ||
        typeof jti !== 'string' ||
        typeof username !== 'string' ||
        typeof clientId !== 'string' ||
        !this.#options.clients.byClientId(clientId)
      ) {
        return { refused: 'the bearer token is not a b.well access token' }
      }
      if (this.#expiredEarly.has(jti)) return { refused: 'the access token has expired' }
      return { userId: sub, username, clientId, tokenId: jti }
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { refused: 'the access token has expired' }
      return { refused: 'the bearer token is not a valid b.well access token' }
    }
  }

  /** Treats one access token as expired from now on (the `bwellTokenExpired` fault). */
  expireEarly(tokenId: string): void {
    this.#expiredEarly.add(tokenId)
  }

  async #sign(userId: string, username: string, clientId: string) {
    const { key, issuer, clock, accessTtlSeconds } = this.#options
    const now = Math.floor(clock.now() / 1000)
    const sign = (claims: Record<string, unknown>, audience?: string) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
        .setIssuer(issuer)
        .setSubject(userId)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + accessTtlSeconds)
      if (audience) jwt.setAudience(audience)
      return jwt.sign(key.privateKey)
    }
    const [accessToken, idToken] = await Promise.all([
      sign({ token_use: 'access', client_id: clientId, username, scope: 'openid' }),
      sign(
        {
          token_use: 'id',
          'cognito:username': userId,
          'custom:bwellFhirPatientId': `bwell-patient-${userId.slice(0, 16)}`,
          'custom:clientFhirPersonId': findUser(username)?.patient.id ?? username,
        },
        clientId,
      ),
    ])
    return { accessToken, idToken }
  }
}
