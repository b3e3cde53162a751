import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyHttpFaults, type FaultStore } from '../faults.ts'
import { applyCors, bearerToken, sendInvalidToken, sendJson } from '../http.ts'
import type { AccessTokenVerifier } from './accessToken.ts'
import { findUser } from './users.ts'

const fhirJson = 'application/fhir+json'

/**
 * `GET /fhir/Patient`: a FHIR R4 searchset Bundle with the signed-in user's Patient. A missing,
 * expired or forged token gets `401` with `WWW-Authenticate: Bearer error="invalid_token"`.
 * CORS allows only the app origin, including the preflight for `Authorization`.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export async function handlePatient(
  req: IncomingMessage,
  res: ServerResponse,
  options: { appOrigin: string; base: string; verify: AccessTokenVerifier; faults: FaultStore },
): Promise<void> {
  if (applyCors(req, res, options.appOrigin, 'GET, OPTIONS')) return
  if (req.method !== 'GET') {
    sendJson(
      res,
      405,
      { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] },
      { allow: 'GET, OPTIONS' },
      fhirJson,
    )
    return
  }
  const token = bearerToken(req)
  if (!token) {
    sendInvalidToken(res, 'missing bearer token')
    return
  }
  let sub: string
  try {
    sub = (await options.verify(token)).sub
  } catch {
    sendInvalidToken(res, 'the access token is invalid or expired')
    return
  }
  if (await applyHttpFaults(options.faults, { target: 'fhirPatient', username: sub }, res)) return
  const user = findUser(sub)
  const entries = user
    ? [
        {
          fullUrl: `${options.base}/fhir/Patient/${user.patient.id}`,
          resource: user.patient,
          search: { mode: 'match' },
        },
      ]
    : []
  sendJson(
    res,
    200,
    {
      resourceType: 'Bundle',
      id: randomUUID(),
      type: 'searchset',
      total: entries.length,
      link: [{ relation: 'self', url: `${options.base}/fhir/Patient` }],
      entry: entries,
    },
    {},
    fhirJson,
  )
}
