import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { decodeJwt, type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import type { Clock } from '../clock.ts'
import { safeEqual } from '../http.ts'
import type { SigningKey } from '../keys.ts'

/** How long a user has between `getOauthUrl` and the portal's answer. */
export const flowTtlSeconds = 600

const flowType = 'bwell-flow+jwt'

/** What b.well remembers about one OAuth connection flow, signed into the flow JWT. */
export interface FlowClaims {
  flowId: string
  connectionId: string
  providerId: string
  /** The b.well user id of the user who asked for the URL. */
  username: string
  /** The custom redirect URL registered for the session's client key; none: the hosted page. */
  redirectUri: string | undefined
}

/** The outcome of checking a callback's `state` and flow JWT. */
export type FlowCheck =
  | { ok: true; claims: FlowClaims }
  | { ok: false; reason: 'unauthorized'; claims: FlowClaims | undefined }
  | { ok: false; reason: 'expired'; claims: FlowClaims }

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url')
}

function encodeState(connectionId: string, csrf: string): string {
  return Buffer.from(JSON.stringify({ c: connectionId, n: csrf })).toString('base64url')
}

/** Reads the connection id out of an opaque state, or `undefined` when it is not one of ours. */
function stateConnectionId(state: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(state, 'base64url').toString('utf8'))
    if (typeof parsed === 'object' && parsed !== null && 'c' in parsed) {
      return typeof parsed.c === 'string' ? parsed.c : undefined
    }
  } catch {}
  return undefined
}

function claimsOf(payload: JWTPayload): FlowClaims | undefined {
  const { jti, sub, prv, usr, rdu } = payload
  if (typeof jti !== 'string' || typeof sub !== 'string') return undefined
  if (typeof prv !== 'string' || typeof usr !== 'string') return undefined
  if (rdu !== undefined && typeof rdu !== 'string') return undefined
  return { flowId: jti, connectionId: sub, providerId: prv, username: usr, redirectUri: rdu }
}

/**
 * Issues and checks b.well's connection-flow artefacts: an opaque `state` (a CSRF token plus the
 * connection id) and a short-lived RS256 flow JWT carrying the state's hash. Each flow can
 * complete once.
 */
export class FlowAuthority {
  readonly #key: SigningKey
  readonly #issuer: string
  readonly #audience: string
  readonly #used = new Set<string>()
  readonly #clock: Clock

  /**
   * @param issuer the b.well origin
   * @param callbackUrl the b.well callback, the flow JWT's audience
   */
  constructor(key: SigningKey, issuer: string, callbackUrl: string, clock: Clock) {
    this.#key = key
    this.#issuer = issuer
    this.#audience = callbackUrl
    this.#clock = clock
  }

  /**
   * Starts a flow.
   * @param options.expired issue the flow JWT already expired (test fault)
   */
  async start(
    claims: Omit<FlowClaims, 'flowId'>,
    options: { expired?: boolean } = {},
  ): Promise<{ state: string; flowToken: string }> {
    const state = encodeState(claims.connectionId, randomBytes(32).toString('base64url'))
    const now = Math.floor(this.#clock.now() / 1000)
    const flowToken = await this.#sign(
      {
        prv: claims.providerId,
        usr: claims.username,
        ...(claims.redirectUri === undefined ? {} : { rdu: claims.redirectUri }),
        sth: hashState(state),
      },
      claims.connectionId,
      randomUUID(),
      options.expired ? now - 60 : now + flowTtlSeconds,
      options.expired ? now - 60 - flowTtlSeconds : now,
    )
    return { state, flowToken }
  }

  /**
   * Re-signs a valid flow JWT as already expired: the portal's "Expire" button, standing in for
   * a user who took longer than the flow allows.
   * @returns the expired token, or the input unchanged when it does not verify
   */
  async expire(flowToken: string): Promise<string> {
    try {
      const { payload } = await this.#verify(flowToken)
      const now = Math.floor(this.#clock.now() / 1000)
      const { iss: _iss, aud: _aud, exp: _exp, iat: _iat, sub, jti, ...rest } = payload
      if (typeof sub !== 'string' || typeof jti !== 'string') return flowToken
      return await this.#sign(rest, sub, jti, now - 1, now - 1 - flowTtlSeconds)
    } catch {
      return flowToken
    }
  }

  /**
   * Checks a callback: the flow JWT's signature first, then that `state` matches it exactly
   * (else `unauthorized`), then its expiry (else `expired`), then single use.
   */
  async check(state: string | undefined, flowToken: string | undefined): Promise<FlowCheck> {
    if (!flowToken) return { ok: false, reason: 'unauthorized', claims: undefined }
    let payload: JWTPayload
    let expired = false
    try {
      payload = (await this.#verify(flowToken)).payload
    } catch (error) {
      if (!(error instanceof joseErrors.JWTExpired)) {
        return { ok: false, reason: 'unauthorized', claims: undefined }
      }
      // jose checks the signature before the claims, so an expired token's payload is authentic.
      payload = error.payload
      expired = true
    }
    const claims = claimsOf(payload)
    if (!claims || typeof payload.sth !== 'string') {
      return { ok: false, reason: 'unauthorized', claims: undefined }
    }
    if (
      !state ||
      !safeEqual(hashState(state), payload.sth) ||
      stateConnectionId(state) !== claims.connectionId
    ) {
      return { ok: false, reason: 'unauthorized', claims }
    }
    if (this.#used.has(claims.flowId)) return { ok: false, reason: 'unauthorized', claims }
    this.#used.add(claims.flowId)
    if (expired) return { ok: false, reason: 'expired', claims }
    return { ok: true, claims }
  }

  /** Reads a flow JWT's claims without trusting them, for display only (the portal's title). */
  static peek(flowToken: string): FlowClaims | undefined {
    try {
      return claimsOf(decodeJwt(flowToken))
    } catch {
      return undefined
    }
  }

  #sign(payload: JWTPayload, sub: string, jti: string, exp: number, iat: number) {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: flowType, kid: this.#key.kid })
      .setIssuer(this.#issuer)
      .setAudience(this.#audience)
      .setSubject(sub)
      .setJti(jti)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.#key.privateKey)
  }

  #verify(token: string) {
    return jwtVerify(token, this.#key.publicKey, {
      algorithms: ['RS256'],
      typ: flowType,
      issuer: this.#issuer,
      audience: this.#audience,
      currentDate: new Date(this.#clock.now()),
    })
  }
}
