import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from '../http.ts'
import { authenticateFhir, type FhirAuthOptions, fhirJson, sendSearchset } from './fhir.ts'
import { scopeAllows } from './smart.ts'
import { findUser, type SeededUser } from './users.ts'

const outcome = (code: string, diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, diagnostics }],
})

/** Two vital signs per patient, the same on every start. */
function observationsOf(user: SeededUser, base: string) {
  const patient = user.patient.id
  const seed = user.patient.birthDate.split('-').reduce((sum, part) => sum + Number(part), 0)
  const vital = (id: string, loinc: string, display: string, value: number, unit: string) => ({
    resourceType: 'Observation',
    id: `${patient}-${id}`,
    status: 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: 'vital-signs',
          },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: loinc, display }], text: display },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: '2026-11-01T09:00:00Z',
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    fullUrl: `${base}/Observation/${patient}-${id}`,
  })
  return [
    vital('heart-rate', '8867-4', 'Heart rate', 60 + (seed % 20), '/min'),
    vital('body-weight', '29463-7', 'Body weight', 55 + (seed % 30), 'kg'),
  ]
}

/**
 * SMART reads in the patient compartment: `GET /fhir/Patient/{id}` and
 * `GET /fhir/Observation?patient={id}`. The request passes {@link authenticateFhir} (a bearer
 * token, or a DPoP-bound one with its proof), its user must own the patient, and its scope must
 * allow the read (`r`) or search (`s`) of the type, as SMART v2 `patient/Patient.rs` /
 * `patient/Observation.rs` / `patient/*.rs` do; otherwise 403 with an OperationOutcome.
 * @returns `false` when the path is not one of these
 */
export async function handleSmartFhir(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: FhirAuthOptions,
): Promise<boolean> {
  const read = /^\/fhir\/Patient\/([A-Za-z0-9.-]{1,64})$/.exec(path)
  if (!read && path !== '/fhir/Observation') return false
  const claims = await authenticateFhir(req, res, options)
  if (!claims) return true
  const user = findUser(claims.sub)
  const fhirBase = `${options.base}/fhir`
  const forbidden = (diagnostics: string) =>
    sendJson(res, 403, outcome('forbidden', diagnostics), {}, fhirJson)
  if (read) {
    if (!scopeAllows(claims.scope, 'Patient', 'r')) {
      forbidden('the granted scope does not allow reading Patient')
    } else if (!user || user.patient.id !== read[1]) {
      forbidden('this Patient is outside the token’s patient compartment')
    } else {
      sendJson(res, 200, user.patient, {}, fhirJson)
    }
    return true
  }
  const url = new URL(req.url ?? '/', options.base)
  const patient = url.searchParams.getAll('patient')
  if (!scopeAllows(claims.scope, 'Observation', 's')) {
    forbidden('the granted scope does not allow searching Observation')
    return true
  }
  const id = patient.length === 1 ? patient[0]?.replace(/^Patient\//, '') : undefined
  if (!user || id !== user.patient.id) {
    forbidden('search Observation with "patient" set to the token’s own patient')
    return true
  }
  const entries = observationsOf(user, fhirBase).map(({ fullUrl, ...resource }) => ({
    fullUrl,
    resource,
  }))
  sendSearchset(res, `${fhirBase}/Observation?patient=${user.patient.id}`, entries)
  return true
}
