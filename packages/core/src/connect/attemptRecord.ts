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

/**
 * The fixed `sessionStorage` key that binds a callback page to its attempt, since a callback URL
 * registered with the provider carries nothing of the attempt. For a popup, the opener writes the
 * attempt id just before `window.open`, which clones its `sessionStorage` into the popup, and
 * removes its own copy right after: each popup keeps the id of its own attempt, also across a COOP
 * browsing-context-group switch (measured in Chromium 156; see the README). In redirect mode the
 * tab keeps its {@link AttemptRecord} there while it is away.
 */
export const BINDING_KEY = 'oauth-connect:attempt'

/**
 * Binds this window (and the popups it opens next) to an attempt id or a redirect-mode record, or
 * unbinds it (`undefined`). Without storage nothing is bound: the callback page then does nothing,
 * and only the poll channel can hear the attempt.
 *
 * @returns what `sessionStorage` threw, if it did (redirect mode reports it)
 */
export function bind(value?: string | AttemptRecord): unknown {
  try {
    if (value) sessionStorage.setItem(BINDING_KEY, JSON.stringify(value))
    else sessionStorage.removeItem(BINDING_KEY)
  } catch (error) {
    return error
  }
}

/**
 * Reads and removes this window's binding, so it is used at most once.
 *
 * @returns the redirect-mode record, or the bound attempt id, or `undefined`
 */
export function takeBinding(): AttemptRecord | string | undefined {
  try {
    const value = sessionStorage.getItem(BINDING_KEY)
    sessionStorage.removeItem(BINDING_KEY)
    // Only connectProvider writes it, on this origin; completeConnection re-checks the return path.
    return JSON.parse(value ?? 'null') ?? undefined
  } catch {
    // No storage, or nothing of ours.
  }
}

/**
 * A fresh attempt id (a lowercase UUID). `randomUUID` needs a secure context, as do the OAuth
 * redirect URIs this flow relies on (https, or http on localhost).
 */
export const newAttemptId = (): string => crypto.randomUUID()
