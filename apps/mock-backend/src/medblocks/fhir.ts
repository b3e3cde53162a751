import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyHttpFaults, type FaultStore } from '../faults.ts'
import { applyCors, pathOf, sendInvalidToken, sendJson } from '../http.ts'
import type { AccessTokenVerifier } from './accessToken.ts'
import {
  applyDPoPPreflight,
  authorization,
  type DPoPChecker,
  DPoPRefusal,
  exposeDPoPHeaders,
} from './dpop.ts'
import { findUser } from './users.ts'

/** The media type of every FHIR answer of the mock. */
export const fhirJson = 'application/fhir+json'

/** One FHIR search entry, as the mock's searchset bundles hold them. */
export interface SearchEntry {
  readonly fullUrl: string
  readonly resource: unknown
}

/** Answers 200 with a FHIR `searchset` Bundle of `entries` (each a `match`) and its `self` link. */
export function sendSearchset(
  res: ServerResponse,
  self: string,
  entries: readonly SearchEntry[],
): void {
  sendJson(
    res,
    200,
    {
      resourceType: 'Bundle',
      id: randomUUID(),
      type: 'searchset',
      total: entries.length,
      link: [{ relation: 'self', url: self }],
      entry: entries.map((entry) => ({ ...entry, search: { mode: 'match' } })),
    },
    {},
    fhirJson,
  )
}

/** What every `/fhir/*` route of this server needs to authenticate a request. */
export interface FhirAuthOptions {
  readonly appOrigin: string
  readonly base: string
  readonly verify: AccessTokenVerifier
  readonly dpop: DPoPChecker
}

/**
 * The one gate of every `/fhir/*` route: CORS (with the `DPoP` preflight), `GET` only, then the
 * access token. A bearer token must verify; a DPoP-bound token (`cnf.jkt`) must come as
 * `Authorization: DPoP` with a valid proof for this method and URL. Anything else is answered
 * here: `401` with `WWW-Authenticate: Bearer error="invalid_token"` or a `DPoP` challenge (RFC
 * 9449 §7.1; `use_dpop_nonce` carries a fresh `DPoP-Nonce`).
 * @returns the token's claims, or `undefined` when the request has been answered
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export async function authenticateFhir(
  req: IncomingMessage,
  res: ServerResponse,
  options: FhirAuthOptions,
): Promise<Awaited<ReturnType<AccessTokenVerifier>> | undefined> {
  if (applyDPoPPreflight(req, res, options.appOrigin, 'GET, OPTIONS')) return undefined
  if (applyCors(req, res, options.appOrigin, 'GET, OPTIONS')) return undefined
  exposeDPoPHeaders(req, res, options.appOrigin)
  if (req.method !== 'GET') {
    sendJson(
      res,
      405,
      { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] },
      { allow: 'GET, OPTIONS' },
      fhirJson,
    )
    return undefined
  }
  const presented = authorization(req)
  if (!presented) {
    sendInvalidToken(res, 'missing bearer token')
    return undefined
  }
  let claims: Awaited<ReturnType<AccessTokenVerifier>>
  try {
    claims = await options.verify(presented.token)
  } catch {
    sendInvalidToken(res, 'the access token is invalid or expired')
    return undefined
  }
  try {
    const url = `${options.base}${pathOf(req)}`
    await options.dpop.check(req, url, presented.scheme, presented.token, claims)
  } catch (error) {
    if (!(error instanceof DPoPRefusal)) throw error
    options.dpop.refuse(res, error)
    return undefined
  }
  return claims
}

/**
 * `GET /fhir/Patient`: a FHIR R4 searchset Bundle with the signed-in user's Patient. A missing,
 * expired or forged token gets `401` with `WWW-Authenticate: Bearer error="invalid_token"`.
 * A DPoP-bound token (`cnf.jkt`) must come as `Authorization: DPoP` with a valid proof; anything
 * else gets `401` with a `DPoP` challenge (RFC 9449 §7.1), and a `use_dpop_nonce` one carries a
 * fresh `DPoP-Nonce`. CORS allows only the app origin, including the preflight for
 * `Authorization` and `DPoP`.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export async function handlePatient(
  req: IncomingMessage,
  res: ServerResponse,
  options: FhirAuthOptions & { readonly faults: FaultStore },
): Promise<void> {
  const claims = await authenticateFhir(req, res, options)
  if (!claims) return
  const sub = claims.sub
  if (await applyHttpFaults(options.faults, { target: 'fhirPatient', username: sub }, res)) return
  const user = findUser(sub)
  const entries = user
    ? [{ fullUrl: `${options.base}/fhir/Patient/${user.patient.id}`, resource: user.patient }]
    : []
  sendSearchset(res, `${options.base}/fhir/Patient`, entries)
}
