/** The five outcomes of a b.well OAuth connection flow, as `status_code`. */
export const statusCodes = ['success', 'error', 'cancelled', 'expired', 'unauthorized'] as const
/** One of {@link statusCodes}. */
export type StatusCode = (typeof statusCodes)[number]

/** Narrows a query value to a status code; exact, case-sensitive. */
export function isStatusCode(value: unknown): value is StatusCode {
  return typeof value === 'string' && (statusCodes as readonly string[]).includes(value)
}
