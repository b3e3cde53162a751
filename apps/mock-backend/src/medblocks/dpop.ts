import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose'
import { sendJson } from '../http.ts'

/** How far a proof's `iat` may be from the server's clock (seconds). */
export const DPOP_IAT_WINDOW_S = 60

/** How long a server nonce stays valid after the next one replaced it (milliseconds). */
const NONCE_ROTATE_MS = 5 * 60_000

/** The parts of a verified access token the proof check needs. */
export interface BoundToken {
  /** `cnf.jkt`: the thumbprint of the key the token is bound to; `undefined` for a bearer token. */
  readonly jkt: string | undefined
}

/** Why a resource request was refused, as RFC 9449 §7.1 and RFC 6750 §3 name it. */
export class DPoPRefusal extends Error {
  override name = 'DPoPRefusal'
  constructor(
    readonly error: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce',
    message: string,
  ) {
    super(message)
  }
}

/** The `Authorization` scheme and token of a resource request, if it has one. */
export function authorization(
  req: IncomingMessage,
): { scheme: 'Bearer' | 'DPoP'; token: string } | undefined {
  const match = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.headers.authorization ?? '')
  if (!match?.[1] || !match[2]) return undefined
  return { scheme: match[1] as 'Bearer' | 'DPoP', token: match[2] }
}

/**
 * The resource server's DPoP check for `/fhir/*`: the proof's signature (ES256, the embedded
 * public key), `typ`, `htm`, `htu`, `ath`, `iat` within {@link DPOP_IAT_WINDOW_S}, `jti` seen
 * once within that window, the server's nonce, and the token's `cnf.jkt`.
 * @param now the clock, for tests
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export function createDPoPChecker(now: () => number = Date.now) {
  const seen = new Map<string, number>()
  let nonce = randomBytes(16).toString('base64url')
  let previous: string | undefined
  let rotatedAt = now()

  /** The nonce to hand out now; the one before stays good for one more period. */
  function currentNonce(): string {
    if (now() - rotatedAt >= NONCE_ROTATE_MS) {
      previous = nonce
      nonce = randomBytes(16).toString('base64url')
      rotatedAt = now()
    }
    return nonce
  }

  /**
   * Checks a request carrying `token` (already verified) with `scheme`. Throws a
   * {@link DPoPRefusal} for anything a DPoP resource server must refuse.
   * @param url the absolute URL the request was sent to
   */
  async function check(
    req: IncomingMessage,
    url: string,
    scheme: 'Bearer' | 'DPoP',
    token: string,
    bound: BoundToken,
  ): Promise<void> {
    if (bound.jkt === undefined) {
      if (scheme === 'DPoP') throw new DPoPRefusal('invalid_token', 'the token is not DPoP-bound')
      return
    }
    // A bound token never works as a bearer token, nor without its proof.
    if (scheme !== 'DPoP') {
      throw new DPoPRefusal('invalid_token', 'a DPoP-bound token must be sent as DPoP')
    }
    const proofs = req.headers.dpop
    if (typeof proofs !== 'string' || proofs.includes(',')) {
      throw new DPoPRefusal('invalid_dpop_proof', 'exactly one DPoP proof is required')
    }
    let payload: Record<string, unknown>
    let jkt: string
    try {
      const verified = await jwtVerify(proofs, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: ['ES256'],
      })
      payload = verified.payload as Record<string, unknown>
      const jwk = verified.protectedHeader.jwk
      if (!jwk || 'd' in jwk) throw new TypeError('"jwk" must be a public key')
      jkt = await calculateJwkThumbprint(jwk, 'sha256')
    } catch {
      throw new DPoPRefusal('invalid_dpop_proof', 'the DPoP proof signature is invalid')
    }
    const target = new URL(url)
    const nowS = Math.floor(now() / 1000)
    const checks: [boolean, string][] = [
      [payload.htm === req.method, 'htm'],
      [payload.htu === target.origin + target.pathname, 'htu'],
      [payload.ath === createHash('sha256').update(token).digest('base64url'), 'ath'],
      [typeof payload.iat === 'number' && Math.abs(nowS - payload.iat) <= DPOP_IAT_WINDOW_S, 'iat'],
      [typeof payload.jti === 'string' && payload.jti.length >= 16, 'jti'],
    ]
    for (const [ok, claim] of checks) {
      if (!ok) throw new DPoPRefusal('invalid_dpop_proof', `the DPoP proof "${claim}" is wrong`)
    }
    const expected = currentNonce()
    if (payload.nonce !== expected && (previous === undefined || payload.nonce !== previous)) {
      throw new DPoPRefusal('use_dpop_nonce', 'a fresh DPoP nonce is required')
    }
    for (const [jti, at] of seen) if (nowS - at > 2 * DPOP_IAT_WINDOW_S) seen.delete(jti)
    const jti = payload.jti as string
    if (seen.has(jti)) throw new DPoPRefusal('invalid_dpop_proof', 'the DPoP proof was replayed')
    seen.set(jti, nowS)
    if (jkt !== bound.jkt) {
      throw new DPoPRefusal('invalid_token', 'the token is bound to another key')
    }
  }

  /** Answers a refusal: `401` with a `DPoP` challenge, and a fresh nonce when one is asked for. */
  function refuse(res: ServerResponse, refusal: DPoPRefusal): void {
    sendJson(
      res,
      401,
      {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'login', diagnostics: refusal.message }],
      },
      {
        'www-authenticate': `DPoP algs="ES256", error="${refusal.error}", error_description="${refusal.message}"`,
        'dpop-nonce': currentNonce(),
      },
      'application/fhir+json',
    )
  }

  return { check, refuse, currentNonce }
}

/** What {@link createDPoPChecker} returns. */
export type DPoPChecker = ReturnType<typeof createDPoPChecker>

/**
 * The preflight of a DPoP request from the app: allows the `DPoP` header. Call it before the
 * route's own CORS; other requests go on (`false`).
 */
export function applyDPoPPreflight(
  req: IncomingMessage,
  res: ServerResponse,
  appOrigin: string,
  methods: string,
): boolean {
  if (req.method !== 'OPTIONS' || req.headers.origin !== appOrigin) return false
  res.writeHead(204, {
    vary: 'Origin',
    'access-control-allow-origin': appOrigin,
    'access-control-allow-methods': methods,
    'access-control-allow-headers': 'Authorization, Content-Type, Accept, DPoP',
    'access-control-max-age': '600',
  })
  res.end()
  return true
}

/** Lets the app read a DPoP challenge and the server's nonce (after the route's own CORS). */
export function exposeDPoPHeaders(req: IncomingMessage, res: ServerResponse, appOrigin: string) {
  if (req.headers.origin === appOrigin) {
    res.setHeader('access-control-expose-headers', 'WWW-Authenticate, DPoP-Nonce')
  }
}
