import { channelName } from './status.ts'

/** What redirect mode keeps in `sessionStorage` while the tab is away at the provider. */
export interface AttemptRecord {
  readonly attemptId: string
  readonly connectionId: string
  /** Same-origin path to return to. */
  readonly returnPath: string
  /** Milliseconds since the epoch. */
  readonly createdAt: number
  /** The record is void from this time on (`createdAt + timeoutMs`). */
  readonly expiresAt: number
}

/** The `sessionStorage` key of a redirect-mode attempt: the same name as its channel. */
export const attemptKey: (attemptId: string) => string = channelName

/** Reads and deletes a redirect-mode attempt record, so it is used at most once. */
export function takeAttempt(attemptId: string): AttemptRecord | undefined {
  try {
    const key = attemptKey(attemptId)
    const value: unknown = JSON.parse(sessionStorage.getItem(key) ?? 'null')
    sessionStorage.removeItem(key)
    const record = value as Partial<AttemptRecord> | null
    // Written by connectProvider on this origin; completeConnection re-checks the return path.
    return record?.attemptId === attemptId ? (record as AttemptRecord) : undefined
  } catch {
    // No storage: no record, so the caller treats the page as a popup callback.
  }
}

/**
 * A fresh attempt id (a lowercase UUID). `randomUUID` needs a secure context, as do the OAuth
 * redirect URIs this flow relies on (https, or http on localhost).
 */
export const newAttemptId = (): string => crypto.randomUUID()
