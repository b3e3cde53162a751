import type { FhirBundle } from '@oauth-connect/react'

/** What the patient card shows. */
export interface PatientSummary {
  readonly name: string
  readonly birthDate: string
  readonly identifier: string
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function humanName(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined
  const name: unknown = value.find((n) => isRecord(n) && n.use === 'official') ?? value[0]
  if (!isRecord(name)) return undefined
  const given = Array.isArray(name.given) ? name.given.filter((g) => typeof g === 'string') : []
  return text(name.text) ?? ([...given, text(name.family)].filter(Boolean).join(' ') || undefined)
}

function firstIdentifier(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined
  const identifier: unknown = value[0]
  if (!isRecord(identifier)) return undefined
  const v = text(identifier.value)
  const system = text(identifier.system)
  return v && (system ? `${v} (${system})` : v)
}

/**
 * The first Patient of a FHIR search Bundle, reduced to what the card shows.
 * @returns `undefined` when the Bundle holds no Patient
 */
export function summarizePatient(bundle: FhirBundle): PatientSummary | undefined {
  const patient = bundle.entry?.map((e) => e.resource).find((r) => r?.resourceType === 'Patient')
  if (!patient) return undefined
  return {
    name: humanName(patient.name) ?? 'Unnamed patient',
    birthDate: text(patient.birthDate) ?? 'Unknown',
    identifier: firstIdentifier(patient.identifier) ?? 'None',
  }
}
