import { attemptKey, newAttemptId } from './attemptRecord.ts'
import { listenOnBroadcast } from './broadcast.ts'
import { watchClosed } from './closed.ts'
import { connectEnv } from './env.ts'
import { assertArgument } from './errors.ts'
import { listenForMessage } from './message.ts'
import type {
  CompletionChannel,
  ConnectionEvent,
  ConnectionOutcome,
  ConnectionPhase,
  EndedOutcome,
  OutcomeChannel,
} from './outcome.ts'
import { pollLocation } from './poll.ts'
import { openPopup, type PopupHandle } from './popup.ts'
import { failure, type Settlement, settlementFor } from './settlement.ts'
import { channelName, parseCompletionMessage, parseStatusCode, type StatusCode } from './status.ts'
import { startTimeout } from './timeout.ts'
import { checkRedirectUrl, normalizeOrigins, sameOriginUrl } from './urls.ts'

/** What `getRedirectUrl` receives. */
export interface RedirectUrlRequest {
  readonly connectionId: string
  readonly attemptId: string
  /** The custom redirect URL (`callbackUrl` plus `attempt`), when one is configured. */
  readonly redirectUri?: string
  /** Aborted when the attempt settles first. */
  readonly signal: AbortSignal
}

/** What `confirm` receives. */
export interface ConfirmRequest {
  readonly connectionId: string
  readonly attemptId: string
  /** Aborted when the attempt settles first. */
  readonly signal: AbortSignal
}

/** How the provider page is shown. `auto` is a popup that falls back to redirect when blocked. */
export type ConnectMode = 'popup' | 'redirect' | 'auto'

/** Options of {@link connectProvider}. */
export interface ConnectProviderOptions {
  /** The b.well connection id; one attempt runs per id at a time. */
  readonly connectionId: string
  /** Fetches the provider's OAuth URL, e.g. the b.well `getOauthUrl` query. */
  readonly getRedirectUrl: (request: RedirectUrlRequest) => Promise<string> | string
  /**
   * Origins whose `message` events count, e.g. the b.well origin that serves the hosted
   * completion page. The app's own origin is always allowed, for its callback page.
   */
  readonly allowedOrigins?: readonly string[]
  /**
   * The app's custom redirect page, on its own origin (e.g. `/connect/callback`), passed to
   * `getRedirectUrl` as `redirectUri` with `attempt=<attemptId>` added. It enables the broadcast and
   * poll channels (polling waits for the popup to reach it) and redirect mode.
   */
  readonly callbackUrl?: string
  /** Default `'popup'`. `'redirect'` and `'auto'` need `callbackUrl`. */
  readonly mode?: ConnectMode
  /** Channels to race. Default all four; `poll` and `broadcast` also need their URL. */
  readonly channels?: readonly CompletionChannel[]
  /** Default 300 000. */
  readonly timeoutMs?: number
  /** Interval of the poll and closed channels. Default 500. */
  readonly pollIntervalMs?: number
  /** When given, the only hostnames the redirect URL may have. */
  readonly allowedHosts?: readonly string[]
  /**
   * Asks the backend whether the connection really succeeded, before `success` is reported (a
   * `'status-success'` message is an unauthenticated hint). While detached it is asked every 3 s.
   */
  readonly confirm?: (request: ConfirmRequest) => Promise<boolean>
  /** Aborting it settles the attempt as `aborted`. */
  readonly signal?: AbortSignal
  /**
   * Reports each phase with a timestamp; `settled` carries the outcome. It should not throw: a
   * throw is not caught, though the attempt still settles and cleans up.
   */
  readonly onEvent?: (event: ConnectionEvent) => void
  /** Shown in the blank popup as "Connecting to {providerName}…". */
  readonly providerName?: string
  /** Redirect mode: same-origin path to come back to. Default: the current path. */
  readonly returnPath?: string
}

/** Lets late messages in after the popup reads closed. */
const CLOSED_GRACE_MS = 500
const DETACHED_CONFIRM_MS = 3000

const attempts = new Map<string, [Promise<ConnectionOutcome>, PopupHandle | undefined]>()

// Timers fire at once for delays of 2^31 ms or more, and for NaN.
const isDelay = (ms: number) => ms > 0 && ms < 2 ** 31

/**
 * Runs one connection attempt: opens the popup synchronously, fetches the redirect URL, navigates,
 * and races the completion channels. It settles exactly once and tears everything down: listeners,
 * intervals, timers, channels and the popup. Call it in the click handler, before any `await`.
 *
 * A second call for a connection id whose attempt is open focuses its popup and returns the same
 * promise.
 *
 * @param options see {@link ConnectProviderOptions}
 * @returns the outcome; it resolves for every flow outcome and never rejects
 * @throws {InvalidArgumentError} synchronously, for options of the wrong shape
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.17
 */
export function connectProvider(options: ConnectProviderOptions): Promise<ConnectionOutcome> {
  const {
    connectionId,
    getRedirectUrl,
    allowedOrigins = [],
    mode = 'popup',
    channels,
    timeoutMs = 300_000,
    pollIntervalMs = 500,
    allowedHosts,
    confirm,
    signal,
    onEvent,
    callbackUrl,
  } = options
  const origin = location.origin
  const origins = [...normalizeOrigins(allowedOrigins), origin]
  const redirectUri = callbackUrl === undefined ? undefined : sameOriginUrl(callbackUrl, origin)
  const returnUrl = sameOriginUrl(options.returnPath ?? location.href, origin)
  assertArgument(typeof connectionId === 'string' && connectionId, 'connectionId')
  assertArgument(typeof getRedirectUrl === 'function', 'getRedirectUrl')
  assertArgument(isDelay(timeoutMs), 'timeoutMs')
  assertArgument(isDelay(pollIntervalMs), 'pollIntervalMs')
  assertArgument(callbackUrl === undefined ? mode === 'popup' : redirectUri, 'callbackUrl')
  assertArgument(returnUrl, 'returnPath')

  const existing = attempts.get(connectionId)
  if (existing) {
    existing[1]?.focus()
    return existing[0]
  }

  const attemptId = newAttemptId()
  const start = Date.now()
  const popup =
    mode === 'redirect'
      ? undefined
      : openPopup({
          message: `Connecting to ${options.providerName ?? 'your provider'}…`,
        })
  const redirect = !popup && mode !== 'popup'
  redirectUri?.searchParams.set('attempt', attemptId)

  // An onEvent that throws is not caught: every phase is emitted after the state it reports, so
  // the attempt still settles and cleans up, and the error surfaces where it was thrown.
  const emit = (type: ConnectionPhase, outcome?: ConnectionOutcome) =>
    onEvent?.({ type, attemptId, connectionId, at: Date.now(), outcome })

  const controller = new AbortController()
  const request = { connectionId, attemptId, signal: controller.signal }
  const disposers: (() => void)[] = []
  let resolve: (outcome: ConnectionOutcome) => void = () => {}
  const promise = new Promise<ConnectionOutcome>((done) => {
    resolve = done
  })

  const settle = (fields: Settlement) => {
    if (controller.signal.aborted) return
    controller.abort()
    for (const dispose of disposers) dispose()
    popup?.close()
    if (redirect) sessionStorage.removeItem(attemptKey(attemptId))
    attempts.delete(connectionId)
    const outcome = {
      ...fields,
      attemptId,
      connectionId,
      elapsedMs: Date.now() - start,
    } as ConnectionOutcome
    resolve(outcome)
    emit('settled', outcome)
  }
  const end = (status: EndedOutcome['status']) => settle({ status, channel: status })
  const on = (dispose: (() => void) | undefined) => dispose && disposers.push(dispose)

  if (!popup && !redirect) {
    end('blocked')
    return promise
  }
  attempts.set(connectionId, [promise, popup])

  let confirming = false
  // Detached polls pass 'confirm': there a "no" or a failure only means "not yet".
  const ask = (channel: OutcomeChannel) => {
    if (!confirm || confirming) return
    confirming = true
    const done = (ok: boolean, cause?: unknown) => {
      confirming = false
      if (ok) settle(settlementFor('success', channel))
      else if (channel !== 'confirm') {
        settle(failure(channel, 'not_confirmed', 'confirm', cause, 'success'))
      }
    }
    confirm(request).then(done, (error: unknown) => done(false, error))
  }
  const report = (code: StatusCode | 'failure' | undefined, channel: OutcomeChannel) =>
    code === 'success' && confirm ? ask(channel) : settle(settlementFor(code, channel))
  const ours = (data: unknown) => parseCompletionMessage(data, attemptId)

  on(startTimeout(timeoutMs, () => end('timeout')))
  if (signal) on(connectEnv.listen(signal, 'abort', () => end('aborted')))

  let detachable = !!confirm
  if (popup) {
    const use = (channel: CompletionChannel) => !channels || channels.includes(channel)
    if (use('message')) {
      on(
        listenForMessage<StatusCode | 'failure'>({
          allowedOrigins: origins,
          source: popup.window,
          parse: ours,
          onMessage: (code) => report(code, 'message'),
        }),
      )
    }
    if (redirectUri && use('broadcast')) {
      const dispose = listenOnBroadcast({
        name: channelName(attemptId),
        parse: ours,
        onMessage: (code) => report(code, 'broadcast'),
      })
      detachable ||= !!dispose
      on(dispose)
    }
    if (redirectUri && use('poll')) {
      on(
        pollLocation({
          read: popup.readLocation,
          completionUrl: redirectUri,
          intervalMs: pollIntervalMs,
          // null, not undefined: an invalid status_code at the completion URL ends the attempt.
          parse: (url) => parseStatusCode(url.search) ?? null,
          onResult: (code) => report(code ?? undefined, 'poll'),
        }),
      )
    }
    if (use('closed')) {
      on(
        watchClosed(
          popup.isClosed,
          () => {
            if (detachable) {
              // COOP can make a live popup read closed; keep listening until the timeout.
              emit('detached')
              const id = connectEnv.setInterval(() => ask('confirm'), DETACHED_CONFIRM_MS)
              on(() => connectEnv.clearInterval(id))
            } else {
              on(startTimeout(CLOSED_GRACE_MS, () => end('closed')))
            }
          },
          pollIntervalMs,
        ),
      )
    }
  } else {
    try {
      sessionStorage.setItem(
        attemptKey(attemptId),
        JSON.stringify({
          attemptId,
          connectionId,
          returnPath: returnUrl.href.slice(origin.length),
          createdAt: start,
          expiresAt: start + timeoutMs,
        }),
      )
    } catch (error) {
      settle(failure('redirect', 'storage_unavailable', 'sessionStorage', error))
    }
  }
  if (signal?.aborted) end('aborted')

  Promise.resolve()
    .then(() =>
      getRedirectUrl({ ...request, ...(redirectUri && { redirectUri: redirectUri.href }) }),
    )
    .then(
      (value) => {
        if (controller.signal.aborted) return
        const url = checkRedirectUrl(value, allowedHosts)
        if (!url) {
          settle(failure('redirect-url', 'unsafe_redirect_url', 'redirectUrl'))
        } else if (popup) {
          popup.navigate(url)
          emit('navigated')
        } else {
          emit('redirecting')
          connectEnv.assign(url.href)
        }
      },
      (error: unknown) =>
        settle(failure('redirect-url', 'redirect_url_failed', 'getRedirectUrl', error)),
    )
  if (popup && !controller.signal.aborted) emit('opened')
  return promise
}
