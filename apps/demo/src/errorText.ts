import { BwellError } from '@oauth-connect/react/bwell'

/**
 * An error's message followed by its causes' messages, for the demo's error lines. A b.well error
 * stops at what b.well said: its OperationOutcome issues' text, not the transport's dump.
 */
export function errorText(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof BwellError) {
      const details = current.issues.map((issue) => issue.details).filter(Boolean)
      parts.push(details.length > 0 ? details.join('; ') : current.message)
      break
    }
    parts.push(current.message)
    current = current.cause
  }
  return parts.join(': ') || 'unknown error'
}
