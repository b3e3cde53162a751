import { BwellError } from '@oauth-connect/react/bwell'

/**
 * An error's message followed by its causes' messages, for the demo's error lines. A b.well error
 * stops at what b.well said: its OperationOutcome issues' text, not the transport's dump (after
 * the message when b.well refused the session).
 */
export function errorText(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof BwellError) {
      const details = current.issues.flatMap((issue) => (issue.details ? [issue.details] : []))
      // A refused session says so first: signing in again is the fix, not retrying.
      if (details.length === 0 || current.code === 'unauthorized') parts.push(current.message)
      parts.push(...details)
      break
    }
    parts.push(current.message)
    current = current.cause
  }
  return parts.join(': ') || 'unknown error'
}
