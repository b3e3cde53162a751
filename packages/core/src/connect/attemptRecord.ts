/** What redirect mode keeps in `sessionStorage` while the tab is away at the provider. */
export interface AttemptRecord {
  readonly attemptId: string
  readonly connectionId: string
  /** Same-origin path to return to, checked again when read. */
  readonly returnPath: string
  /** Milliseconds since the epoch. */
  readonly createdAt: number
  /** The record is void from this time on (`createdAt + timeoutMs`). */
  readonly expiresAt: number
}

const key = (attemptId: string) => `oauth-connect:attempt:${attemptId}`

/** Stores a redirect-mode attempt. Throws when `sessionStorage` is unavailable. */
export function saveAttempt(record: AttemptRecord): void {
  sessionStorage.setItem(key(record.attemptId), JSON.stringify(record))
}

/** Reads and deletes a redirect-mode attempt, so it is used at most once. */
export function takeAttempt(attemptId: string): AttemptRecord | undefined {
  let raw: string | null = null
  try {
    raw = sessionStorage.getItem(key(attemptId))
    sessionStorage.removeItem(key(attemptId))
  } catch {
    return undefined
  }
  let value: unknown
  try {
    value = raw === null ? undefined : JSON.parse(raw)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as Record<string, unknown>
  return record.attemptId === attemptId &&
    typeof record.connectionId === 'string' &&
    typeof record.returnPath === 'string' &&
    typeof record.createdAt === 'number' &&
    typeof record.expiresAt === 'number'
    ? (record as unknown as AttemptRecord)
    : undefined
}

/** A fresh, URL-safe attempt id; `getRandomValues` also works outside secure contexts. */
export function newAttemptId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('')
}
