import { takeBinding } from './attemptRecord.ts'
import { handOff } from './handoff.ts'
import type { ConnectionOutcome } from './outcome.ts'
import { settlementFor } from './settlement.ts'
import { type ConnectEnvelope, channelName, parseStatusCode, type StatusCode } from './status.ts'
import { sameOriginUrl } from './urls.ts'

/** What {@link completeConnection} did. */
export type CompletionResult =
  /**
   * No attempt is bound to this window (an attempt that only polls, a page not opened by
   * `connectProvider`, no storage): nothing was done, and the page stays for the opener to read.
   */
  | { readonly kind: 'none' }
  /** Popup mode: the envelope went to the opener and the channel, and the window is closing. */
  | { readonly kind: 'popup'; readonly attemptId: string; readonly statusCode: StatusCode }
  /** Redirect mode: the attempt is over; show `outcome` and go back to `returnPath`. */
  | { readonly kind: 'redirect'; readonly outcome: ConnectionOutcome; readonly returnPath: string }

/**
 * Finishes a connection on the app's custom redirect page (`callbackUrl`). The attempt is the one
 * bound to this window's `sessionStorage` by `connectProvider`, never one named in the URL: a
 * callback URL registered with the provider carries only `status_code`, and a URL is anyone's to
 * forge. It reads `status_code`, strips it and `attempt` (a per-call redirect URI's) from the URL with `history.replaceState`, then:
 * - in popup mode, posts the envelope to `window.opener` with the app's own origin as
 *   `targetOrigin` (never `'*'`), sends it on `BroadcastChannel('oauth-connect:<attempt>')`, which
 *   survives Cross-Origin-Opener-Policy, and closes the window 100 ms later;
 * - in redirect mode (a stored attempt record and no opener), deletes the record and returns the
 *   outcome with the stored same-origin path to go back to. Nothing is taken from other query
 *   parameters.
 *
 * A missing, unknown or repeated `status_code` is reported as `error`; an expired record as
 * `timeout`.
 *
 * @returns what was done
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.17.2
 */
export function completeConnection(): CompletionResult {
  const url = new URL(location.href)
  const bound = takeBinding()
  const record = typeof bound === 'object' ? bound : undefined
  const attemptId = record?.attemptId ?? (bound as string | undefined)
  if (!attemptId) return { kind: 'none' }
  const statusCode = parseStatusCode(url.search)
  url.searchParams.delete('attempt')
  url.searchParams.delete('status_code')
  history.replaceState(history.state, '', url)

  if (record && !window.opener) {
    const now = Date.now()
    const outcome = {
      attemptId,
      connectionId: record.connectionId,
      elapsedMs: now - record.createdAt,
      ...(now < record.expiresAt
        ? settlementFor(statusCode, 'redirect')
        : { status: 'timeout', channel: 'redirect' }),
    } as ConnectionOutcome
    // Re-checked on the way out: only a path on this origin is ever returned.
    const back = sameOriginUrl(record.returnPath, location.origin)
    return {
      kind: 'redirect',
      outcome,
      returnPath: back ? back.href.slice(back.origin.length) : '/',
    }
  }

  // The envelope only carries valid codes; an invalid one fails closed.
  const code = statusCode ?? 'error'
  const envelope: ConnectEnvelope = {
    type: 'oauth-connect',
    version: 1,
    attemptId,
    statusCode: code,
  }
  handOff(envelope, channelName(attemptId))
  return { kind: 'popup', attemptId, statusCode: code }
}
