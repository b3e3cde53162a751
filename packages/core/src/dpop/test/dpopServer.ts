/// <reference types="node" />
// An authorization server and FHIR resource that issue and check DPoP-bound tokens (RFC 9449),
// for the DPoP tests over real HTTP on 127.0.0.1. It verifies every proof the way a resource
// server must: signature, typ and alg, htm, htu, ath, iat freshness, jti replay and the token's
// jkt, and it can demand server nonces.
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** Options of {@link startDPoPServer}. */
export interface DPoPServerOptions {
  /** Demand a nonce from the authorization server (`use_dpop_nonce` in the token error body). */
  readonly tokenNonce?: boolean
  /** Demand a nonce from the resource server (`use_dpop_nonce` in `WWW-Authenticate`). */
  readonly resourceNonce?: boolean
  /** Answer with `token_type: Bearer` although a proof came (a server that ignores DPoP). */
  readonly bearerTokens?: boolean
}

/** One request the server received (preflights apart). */
export interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly dpop: string | undefined
  /** The decoded proof payload, when a proof came. */
  readonly proof: Record<string, unknown> | undefined
  /** The server's answer: its status, `error`, and which check refused the request. */
  status: number
  error: string | undefined
  reason: string | undefined
}

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url')
const sha256 = (text: string) => b64u(createHash('sha256').update(text).digest())

/** The JWK SHA-256 thumbprint (RFC 7638) of an EC public key. */
export function jwkThumbprint(jwk: { crv: unknown; kty: unknown; x: unknown; y: unknown }): string {
  return sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
}

/** A refusal: the RFC 9449 or RFC 6750 `error`, and which check failed (for the tests). */
class Refusal extends Error {
  constructor(
    readonly error: string,
    readonly reason: string,
    readonly nonce?: string,
  ) {
    super(error)
  }
}

/** Starts the server on a free port of 127.0.0.1. Close it after the test. */
export async function startDPoPServer(options: DPoPServerOptions = {}) {
  const requests: SeenRequest[] = []
  const seenJti = new Set<string>()
  const accessTokens = new Map<string, string>()
  const refreshTokens = new Map<string, string>()
  let nonce = b64u(randomBytes(16))
  let counter = 0
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const issuer = `http://127.0.0.1:${address.port}`

  /** Checks a proof and returns its key's thumbprint. */
  async function verifyProof(
    header: string | undefined,
    htm: string,
    htu: string,
    accessToken: string | undefined,
    wantNonce: boolean,
  ): Promise<{ jkt: string; payload: Record<string, unknown> }> {
    const parts = (header ?? '').split('.')
    if (parts.length !== 3) throw new Refusal('invalid_dpop_proof', 'malformed')
    const [h = '', p = '', s = ''] = parts
    const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    const jwk = head.jwk as Record<string, unknown> | undefined
    if (head.typ !== 'dpop+jwt' || head.alg !== 'ES256' || !jwk || 'd' in jwk) {
      throw new Refusal('invalid_dpop_proof', 'header')
    }
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    )
    const valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      Buffer.from(s, 'base64url'),
      new TextEncoder().encode(`${h}.${p}`),
    )
    const now = Math.floor(Date.now() / 1000)
    const checks: [boolean, string][] = [
      [valid, 'signature'],
      [payload.htm === htm, 'htm'],
      [payload.htu === htu, 'htu'],
      [typeof payload.iat === 'number' && Math.abs(now - payload.iat) <= 60, 'iat'],
      [typeof payload.jti === 'string', 'jti'],
      [accessToken === undefined || payload.ath === sha256(accessToken), 'ath'],
    ]
    for (const [ok, reason] of checks) if (!ok) throw new Refusal('invalid_dpop_proof', reason)
    if (wantNonce && payload.nonce !== nonce) throw new Refusal('use_dpop_nonce', 'nonce', nonce)
    if (typeof payload.jti !== 'string' || seenJti.has(payload.jti)) {
      throw new Refusal('invalid_dpop_proof', 'replay')
    }
    seenJti.add(payload.jti)
    return { jkt: jwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }), payload }
  }

  function send(res: ServerResponse, status: number, body: unknown, headers = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    res.setHeader('access-control-allow-origin', '*')
    res.setHeader('access-control-expose-headers', 'www-authenticate, dpop-nonce')
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-headers': 'authorization, content-type, accept, dpop',
        'access-control-allow-methods': 'GET, POST',
      })
      res.end()
      return
    }
    const url = new URL(req.url ?? '/', issuer)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const form = new URLSearchParams(Buffer.concat(chunks).toString())
    const dpop = typeof req.headers.dpop === 'string' ? req.headers.dpop : undefined
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: req.headers.authorization,
      dpop,
      proof: dpop
        ? (JSON.parse(Buffer.from(dpop.split('.')[1] ?? '', 'base64url').toString()) as Record<
            string,
            unknown
          >)
        : undefined,
      status: 200,
      error: undefined,
      reason: undefined,
    }
    requests.push(seen)
    const answer = (status: number, refusal: Refusal, headers: Record<string, string> = {}) => {
      const { error } = refusal
      seen.status = status
      seen.error = error
      seen.reason = refusal.reason
      if (url.pathname === '/token') send(res, status, { error }, headers)
      else send(res, status, { resourceType: 'OperationOutcome' }, headers)
    }
    try {
      if (url.pathname === '/token' && req.method === 'POST') {
        const { jkt } = await verifyProof(
          dpop,
          'POST',
          `${issuer}/token`,
          undefined,
          !!options.tokenNonce,
        )
        const grant = form.get('grant_type')
        if (grant === 'refresh_token') {
          const bound = refreshTokens.get(form.get('refresh_token') ?? '')
          // A refresh token of a public client is bound to the key of its first proof.
          if (bound !== jkt) throw new Refusal('invalid_grant', 'jkt')
          refreshTokens.delete(form.get('refresh_token') ?? '')
        } else if (grant !== 'authorization_code' || !form.get('code_verifier')) {
          throw new Refusal('invalid_grant', 'grant')
        }
        const accessToken = `at-${++counter}`
        const refreshToken = `rt-${counter}`
        accessTokens.set(accessToken, jkt)
        refreshTokens.set(refreshToken, jkt)
        send(res, 200, {
          access_token: accessToken,
          refresh_token: refreshToken,
          token_type: options.bearerTokens ? 'Bearer' : 'DPoP',
          expires_in: 3600,
        })
        return
      }
      if (url.pathname.startsWith('/fhir/')) {
        const [scheme, token = ''] = (req.headers.authorization ?? '').split(' ')
        const jkt = accessTokens.get(token)
        // A DPoP-bound token never works as a bearer token, nor without its proof.
        if (scheme !== 'DPoP' || jkt === undefined) throw new Refusal('invalid_token', 'scheme')
        if (!dpop) throw new Refusal('invalid_token', 'no proof')
        const proof = await verifyProof(
          dpop,
          req.method ?? 'GET',
          `${issuer}${url.pathname}`,
          token,
          !!options.resourceNonce,
        )
        if (proof.jkt !== jkt) throw new Refusal('invalid_token', 'jkt')
        send(res, 200, { resourceType: 'Bundle', type: 'searchset', total: 0 })
        return
      }
      answer(404, new Refusal('not_found', 'path'))
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      const nonceHeader: Record<string, string> = error.nonce ? { 'dpop-nonce': error.nonce } : {}
      if (url.pathname === '/token') {
        answer(400, error, nonceHeader)
      } else {
        answer(401, error, {
          ...nonceHeader,
          'www-authenticate': `DPoP algs="ES256", error="${error.error}"`,
        })
      }
    }
  }

  return {
    issuer,
    requests,
    /** The nonce the server demands; `rotateNonce` makes a new one. */
    rotateNonce() {
      nonce = b64u(randomBytes(16))
    },
    /** The thumbprint an access token is bound to. */
    boundKey: (accessToken: string) => accessTokens.get(accessToken),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** What {@link startDPoPServer} returns. */
export type DPoPServer = Awaited<ReturnType<typeof startDPoPServer>>
