/** Plain words for every outcome status, as the demo shows them. */
export const outcomeText: Record<string, string> = {
  success: 'Connected.',
  cancelled: 'You cancelled the connection.',
  error: 'The connection failed.',
  expired: 'The session expired. Please try again.',
  unauthorized: 'Security check failed. Please try again.',
  closed: 'The window was closed before the provider answered.',
  timeout: 'Timed out waiting for the provider.',
  blocked: 'Pop-ups are blocked for this site.',
  aborted: 'The attempt was cancelled.',
}

/** The sentence for an outcome status, falling back to the raw status. */
export function describeOutcome(status: string): string {
  return outcomeText[status] ?? `Finished with status ${status}.`
}
