/**
 * Stands for the SMART launch patient's id in {@link useFhirQuery} parameters and
 * {@link useFhirRead} ids: `useFhirQuery('Observation', { patient: launchPatient })`. The query
 * waits (disabled) until a launch context names a patient, and its key holds the real id.
 */
export const launchPatient: unique symbol = Symbol('oauth-connect launch patient')

/** The launch patient placeholder's type. */
export type LaunchPatient = typeof launchPatient
