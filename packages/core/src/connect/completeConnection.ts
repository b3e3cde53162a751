import { takeAttempt } from './attemptRecord.ts'
import { connectEnv } from './env.ts'
import type { ConnectionOutcome } from './outcome.ts'
import { settlementFor } from './settlement.ts'
import { type ConnectEnvelope, channelName, parseStatusCode, type StatusCode } from './status.ts'
import { sameOriginUrl } from './urls.ts'

/** What {@link completeConnection} did. */
export type CompletionResult =
  /** The URL carried no attempt; nothing was done. */
  | { readonly kind: 'none' }
  /** Popup mode: the envelope went to the opener and the channel, and the window is closing. */
  | { readonly kind: 'popup'; readonly attemptId: string; readonly statusCode: StatusCode }
  /** Redirect mode: the attempt is over; show `outcome` and go back to `returnPath`. */
  | { readonly kind: 'redirect'; readonly outcome: ConnectionOutcome; readonly returnPath: string }

/** How long the callback page stays open after posting, so its messages leave first. */
const CLOSE_DELAY_MS = 100

/**
 * Finishes a connection on the app's custom redirect page (`callbackUrl`). It reads `status_code`
 * and `attempt`, strips both from the URL with `history.replaceState`, then:
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
  // Several values join with commas, which the pattern refuses, as it refuses none at all.
  const attemptId = String(url.searchParams.getAll('attempt'))
  if (!/^[\da-f-]{36}$/.test(attemptId)) return { kind: 'none' }
  const statusCode = parseStatusCode(url.search)
  url.searchParams.delete('attempt')
  url.searchParams.delete('status_code')
  history.replaceState(history.state, '', url)

  const record = takeAttempt(attemptId)
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
  ;(window.opener as Window | null)?.postMessage(envelope, location.origin)
  const channel = connectEnv.channel(channelName(attemptId))
  channel?.postMessage(envelope)
  // Closing at once can lose the message in Chromium when several popups load together
  // (BENCHMARKS.md, leaks); a short wait costs nothing, since the opener closes us anyway.
  connectEnv.setTimeout(() => {
    channel?.close()
    connectEnv.close()
  }, CLOSE_DELAY_MS)
  return { kind: 'popup', attemptId, statusCode: code }
}
