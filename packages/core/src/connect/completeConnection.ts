import { takeAttempt } from './attemptRecord.ts'
import { connectEnv } from './env.ts'
import { ConnectionError, type ConnectionErrorCode } from './errors.ts'
import type { ConnectionOutcome } from './outcome.ts'
import {
  type ConnectEnvelope,
  channelName,
  isStatusCode,
  parseStatusCode,
  type StatusCode,
} from './status.ts'

/** What {@link completeConnection} did. */
export type CompletionResult =
  /** The URL carried no attempt; nothing was done. */
  | { readonly kind: 'none' }
  /** Popup mode: the envelope went to the opener and the channel, and the window is closing. */
  | { readonly kind: 'popup'; readonly attemptId: string; readonly statusCode: StatusCode }
  /** Redirect mode: the attempt is over; go back to `returnPath` and show `outcome`. */
  | { readonly kind: 'redirect'; readonly outcome: ConnectionOutcome; readonly returnPath: string }

const OUTCOME_KEY = 'oauth-connect:outcome'
const ATTEMPT_ID = /^[0-9a-f]{32}$/

/**
 * Finishes a connection on the app's custom redirect page (`callbackUrl`). It reads `status_code`
 * and `attempt`, strips both from the URL with `history.replaceState`, then:
 * - in popup mode, posts the envelope to `window.opener` with the app's own origin as
 *   `targetOrigin` (never `'*'`), sends it on `BroadcastChannel('oauth-connect:<attempt>')`, which
 *   survives Cross-Origin-Opener-Policy, and closes the window;
 * - in redirect mode (a stored attempt record, no opener), settles the attempt and keeps the
 *   outcome for {@link takeRedirectOutcome}, and returns the path to go back to.
 *
 * A missing, unknown or repeated `status_code` is reported as `error`.
 *
 * @returns what was done
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.17.2
 */
export function completeConnection(): CompletionResult {
  const url = new URL(location.href)
  const attempts = url.searchParams.getAll('attempt')
  const attemptId = attempts[0]
  if (attempts.length !== 1 || attemptId === undefined || !ATTEMPT_ID.test(attemptId)) {
    return { kind: 'none' }
  }
  const statusCode = parseStatusCode(url.search)
  url.searchParams.delete('attempt')
  url.searchParams.delete('status_code')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)

  const record = takeAttempt(attemptId)
  if (record && !window.opener) {
    const now = connectEnv.now()
    const base = {
      attemptId,
      connectionId: record.connectionId,
      channel: 'redirect',
      elapsedMs: now - record.createdAt,
    } as const
    const outcome: ConnectionOutcome =
      now >= record.expiresAt
        ? { ...base, status: 'timeout' }
        : statusCode === undefined || statusCode === 'error'
          ? {
              ...base,
              status: 'error',
              ...(statusCode
                ? { statusCode }
                : {
                    cause: new ConnectionError(
                      'invalid_status_code',
                      'missing, unknown or repeated "status_code"',
                    ),
                  }),
            }
          : ({ ...base, status: statusCode, statusCode } as ConnectionOutcome)
    try {
      sessionStorage.setItem(
        OUTCOME_KEY,
        JSON.stringify({
          ...outcome,
          cause: outcome.status === 'error' ? outcome.cause?.code : undefined,
        }),
      )
    } catch {
      // The caller still gets the outcome; only the hand-over to another page is lost.
    }
    return { kind: 'redirect', outcome, returnPath: record.returnPath }
  }

  const envelope: ConnectEnvelope = {
    type: 'oauth-connect',
    version: 1,
    attemptId,
    // The envelope only carries valid codes; an invalid one fails closed.
    statusCode: statusCode ?? 'error',
  }
  ;(window.opener as Window | null)?.postMessage(envelope, location.origin)
  const channel = connectEnv.channel(channelName(attemptId))
  channel?.postMessage(envelope)
  channel?.close()
  connectEnv.close()
  return { kind: 'popup', attemptId, statusCode: envelope.statusCode }
}

/**
 * Takes the outcome a redirect-mode callback left behind, once: the page the tab returned to calls
 * it on load to show how the connection ended.
 *
 * @returns the outcome, or `undefined` when there is none
 */
export function takeRedirectOutcome(): ConnectionOutcome | undefined {
  let value: unknown
  try {
    const raw = sessionStorage.getItem(OUTCOME_KEY)
    sessionStorage.removeItem(OUTCOME_KEY)
    value = raw === null ? undefined : JSON.parse(raw)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { status, statusCode, attemptId, connectionId, elapsedMs, cause } = value as Record<
    string,
    unknown
  >
  if (
    typeof attemptId !== 'string' ||
    typeof connectionId !== 'string' ||
    typeof elapsedMs !== 'number'
  ) {
    return undefined
  }
  const base = { attemptId, connectionId, elapsedMs, channel: 'redirect' } as const
  if (status === 'timeout') return { ...base, status }
  if (status === 'error') {
    return {
      ...base,
      status,
      ...(isStatusCode(statusCode) && { statusCode }),
      ...(typeof cause === 'string' && {
        cause: new ConnectionError(
          cause as ConnectionErrorCode,
          'the connection failed before the redirect',
        ),
      }),
    }
  }
  return isStatusCode(status) && status === statusCode
    ? ({ ...base, status, statusCode } as ConnectionOutcome)
    : undefined
}
