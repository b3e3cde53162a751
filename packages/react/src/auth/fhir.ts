/**
 * The FHIR R4 shapes the toolkit itself reads. Each type claims only what a guard here checks:
 * `useFhirQuery` checks the Bundle and every entry's `resourceType`; {@link isFhirPatient} and
 * {@link isOperationOutcome} check the fields they type before you rely on them.
 */

/** Any FHIR resource: only `resourceType` (and `id`, when present, a string) is checked. */
export interface FhirResource {
  readonly resourceType: string
  readonly id?: string
  readonly [field: string]: unknown
}

/** One entry of a search Bundle. */
export interface FhirBundleEntry {
  readonly fullUrl?: string
  readonly resource?: FhirResource
  readonly search?: { readonly mode?: string; readonly [field: string]: unknown }
  readonly [field: string]: unknown
}

/** A FHIR search result (`Bundle` of type `searchset`). */
export interface FhirBundle {
  readonly resourceType: 'Bundle'
  readonly type?: string
  readonly total?: number
  readonly entry?: readonly FhirBundleEntry[]
  readonly [field: string]: unknown
}

/** FHIR `HumanName`, as far as {@link isFhirPatient} checks it. */
export interface FhirHumanName {
  readonly use?: string
  readonly text?: string
  readonly family?: string
  readonly given?: readonly string[]
  readonly [field: string]: unknown
}

/** FHIR `Identifier`, as far as {@link isFhirPatient} checks it. */
export interface FhirIdentifier {
  readonly system?: string
  readonly value?: string
  readonly [field: string]: unknown
}

/** A FHIR `Patient`, with the fields {@link isFhirPatient} checks. */
export interface FhirPatient extends FhirResource {
  readonly resourceType: 'Patient'
  readonly name?: readonly FhirHumanName[]
  readonly identifier?: readonly FhirIdentifier[]
  readonly gender?: string
  readonly birthDate?: string
}

/** One issue of an `OperationOutcome`. */
export interface FhirOperationOutcomeIssue {
  readonly severity: string
  readonly code: string
  readonly diagnostics?: string
  readonly details?: { readonly text?: string; readonly [field: string]: unknown }
  readonly [field: string]: unknown
}

/** A FHIR `OperationOutcome`: what a FHIR server says went wrong. */
export interface FhirOperationOutcome extends FhirResource {
  readonly resourceType: 'OperationOutcome'
  readonly issue: readonly FhirOperationOutcomeIssue[]
}

type Fields = Readonly<Record<string, unknown>>

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Every named field is absent or a string. */
const optionalStrings = (value: Fields, names: readonly string[]) =>
  names.every((name) => value[name] === undefined || typeof value[name] === 'string')

/** Absent, or an array whose every item passes `check`. */
const optionalArray = (value: unknown, check: (item: unknown) => boolean) =>
  value === undefined || (Array.isArray(value) && value.every(check))

/** Narrows a value to a {@link FhirResource}. */
export function isFhirResource(value: unknown): value is FhirResource {
  return isObject(value) && typeof value.resourceType === 'string' && optionalStrings(value, ['id'])
}

/** Narrows a value to a {@link FhirBundle} whose entries' resources are {@link FhirResource}s. */
export function isFhirBundle(value: unknown): value is FhirBundle {
  return (
    isFhirResource(value) &&
    value.resourceType === 'Bundle' &&
    optionalArray(
      value.entry,
      (entry) =>
        isObject(entry) &&
        optionalStrings(entry, ['fullUrl']) &&
        (entry.resource === undefined || isFhirResource(entry.resource)),
    )
  )
}

/**
 * Narrows a resource to a {@link FhirPatient}: `name`, `identifier`, `gender` and `birthDate`,
 * when present, have the types it declares.
 */
export function isFhirPatient(value: unknown): value is FhirPatient {
  return (
    isFhirResource(value) &&
    value.resourceType === 'Patient' &&
    optionalStrings(value, ['gender', 'birthDate']) &&
    optionalArray(
      value.name,
      (name) =>
        isObject(name) &&
        optionalStrings(name, ['use', 'text', 'family']) &&
        optionalArray(name.given, (given) => typeof given === 'string'),
    ) &&
    optionalArray(
      value.identifier,
      (identifier) => isObject(identifier) && optionalStrings(identifier, ['system', 'value']),
    )
  )
}

/** Narrows a value to a {@link FhirOperationOutcome} with string `severity` and `code` issues. */
export function isOperationOutcome(value: unknown): value is FhirOperationOutcome {
  return (
    isFhirResource(value) &&
    value.resourceType === 'OperationOutcome' &&
    Array.isArray(value.issue) &&
    value.issue.every(
      (issue: unknown) =>
        isObject(issue) &&
        typeof issue.severity === 'string' &&
        typeof issue.code === 'string' &&
        optionalStrings(issue, ['diagnostics']) &&
        (issue.details === undefined ||
          (isObject(issue.details) && optionalStrings(issue.details, ['text']))),
    )
  )
}
