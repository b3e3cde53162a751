import { InvalidArgumentError } from '../errors.ts'
import { newAttemptId, saveAttempt, takeAttempt } from './attemptRecord.ts'
import { listenOnBroadcast } from './broadcast.ts'
import { watchClosed } from './closed.ts'
import { connectEnv } from './env.ts'
import { ConnectionError } from './errors.ts'
import { listenForMessage } from './message.ts'
import type {
  CompletionChannel,
  ConnectionEvent,
  ConnectionOutcome,
  ConnectionPhase,
  OutcomeChannel,
} from './outcome.ts'
import { pollLocation } from './poll.ts'
import { openPopup, type PopupHandle } from './popup.ts'
import { channelName, parseEnvelope, parseStatusCode, type StatusCode } from './status.ts'
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
   * The app's custom redirect page, on its own origin (e.g. `/connect/callback`). It enables the
   * broadcast and poll channels and redirect mode; `attempt=<attemptId>` is added to it.
   */
  readonly callbackUrl?: string
  /** Where polling expects the popup to land. Default: `callbackUrl` with its `attempt`. */
  readonly completionUrl?: string
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
  /** Reports each phase with a timestamp; `settled` carries the outcome. */
  readonly onEvent?: (event: ConnectionEvent) => void
  /** Shown in the blank popup as "Connecting to {providerName}…". */
  readonly providerName?: string
  /** Redirect mode: same-origin path to come back to. Default: the current path. */
  readonly returnPath?: string
}

type Settlement = ConnectionOutcome extends infer O
  ? O extends ConnectionOutcome
    ? Omit<O, 'attemptId' | 'connectionId' | 'elapsedMs'>
    : never
  : never

/** Lets late messages in after the popup reads closed. */
const CLOSED_GRACE_MS = 500
const DETACHED_CONFIRM_MS = 3000
const CHANNELS: readonly CompletionChannel[] = ['message', 'poll', 'broadcast', 'closed']

const attempts = new Map<string, { promise: Promise<ConnectionOutcome>; focus(): void }>()

function assertArgument(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvalidArgumentError(message)
}

const isPositive = (value: number) => Number.isFinite(value) && value > 0

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
    channels = CHANNELS,
    timeoutMs = 300_000,
    pollIntervalMs = 500,
    allowedHosts,
    confirm,
    signal,
    onEvent,
  } = options
  assertArgument(
    typeof connectionId === 'string' && connectionId,
    '"connectionId" must be a non-empty string',
  )
  assertArgument(typeof getRedirectUrl === 'function', '"getRedirectUrl" must be a function')
  assertArgument(
    mode === 'popup' || mode === 'redirect' || mode === 'auto',
    '"mode" must be popup, redirect or auto',
  )
  assertArgument(isPositive(timeoutMs), '"timeoutMs" must be a positive number')
  assertArgument(isPositive(pollIntervalMs), '"pollIntervalMs" must be a positive number')
  assertArgument(
    confirm === undefined || typeof confirm === 'function',
    '"confirm" must be a function',
  )
  assertArgument(
    Array.isArray(channels) && channels.every((channel) => CHANNELS.includes(channel)),
    '"channels" must list message, poll, broadcast or closed',
  )
  const origin = location.origin
  const origins = [...normalizeOrigins(allowedOrigins), origin]
  let redirectUri: URL | undefined
  if (options.callbackUrl !== undefined) {
    redirectUri = sameOriginUrl(options.callbackUrl, origin)
    assertArgument(redirectUri, '"callbackUrl" must be on the app\'s own origin')
  }
  assertArgument(mode === 'popup' || redirectUri, `"callbackUrl" is required in ${mode} mode`)
  const returnUrl = sameOriginUrl(options.returnPath ?? location.href, origin)
  assertArgument(returnUrl, '"returnPath" must be a path on the app\'s own origin')

  const existing = attempts.get(connectionId)
  if (existing) {
    existing.focus()
    return existing.promise
  }

  const attemptId = newAttemptId()
  const start = connectEnv.now()
  const popup: PopupHandle | undefined =
    mode === 'redirect'
      ? undefined
      : openPopup({
          message: `Connecting${options.providerName ? ` to ${options.providerName}` : ''}…`,
        })
  const redirect = !popup && mode !== 'popup'
  redirectUri?.searchParams.set('attempt', attemptId)

  const emit = (type: ConnectionPhase, outcome?: ConnectionOutcome) => {
    try {
      onEvent?.({
        type,
        attemptId,
        connectionId,
        at: connectEnv.now(),
        ...(outcome && { outcome }),
      })
    } catch (error) {
      // An analytics callback must not break the flow; surface its error without swallowing it.
      queueMicrotask(() => {
        throw error
      })
    }
  }

  const controller = new AbortController()
  const disposers: (() => void)[] = []
  let settled = false
  let resolve: (outcome: ConnectionOutcome) => void = () => {}
  const promise = new Promise<ConnectionOutcome>((done) => {
    resolve = done
  })

  const settle = (fields: Settlement) => {
    if (settled) return
    settled = true
    for (const dispose of disposers.splice(0)) dispose()
    controller.abort()
    popup?.close()
    if (redirect) takeAttempt(attemptId)
    attempts.delete(connectionId)
    const outcome = {
      ...fields,
      attemptId,
      connectionId,
      elapsedMs: connectEnv.now() - start,
    } as ConnectionOutcome
    resolve(outcome)
    emit('settled', outcome)
  }

  if (!popup && !redirect) {
    settle({ status: 'blocked', channel: 'open' })
    return promise
  }
  attempts.set(connectionId, { promise, focus: () => popup?.focus() })
  if (popup) emit('opened')

  let confirming = false
  const ask = (channel: OutcomeChannel, onFalse: () => void) => {
    if (!confirm || confirming) return
    confirming = true
    confirm({ connectionId, attemptId, signal: controller.signal }).then(
      (ok) => {
        confirming = false
        if (ok) settle({ status: 'success', statusCode: 'success', channel })
        else onFalse()
      },
      (error: unknown) => {
        confirming = false
        if (channel !== 'confirm') {
          settle({
            status: 'error',
            statusCode: 'success',
            channel,
            cause: new ConnectionError('confirm_failed', '"confirm" failed', { cause: error }),
          })
        }
      },
    )
  }

  const report = (code: StatusCode | 'failure' | undefined, channel: OutcomeChannel) => {
    if (code === undefined) {
      settle({
        status: 'error',
        channel,
        cause: new ConnectionError(
          'invalid_status_code',
          'missing, unknown or repeated "status_code"',
        ),
      })
    } else if (code === 'failure') {
      settle({
        status: 'error',
        channel,
        cause: new ConnectionError(
          'provider_failure',
          'the completion page reported "status-failure"',
        ),
      })
    } else if (code === 'error') {
      settle({ status: 'error', statusCode: code, channel })
    } else if (code !== 'success') {
      settle({ status: code, statusCode: code, channel } as Settlement)
    } else if (!confirm) {
      settle({ status: 'success', statusCode: code, channel })
    } else {
      ask(channel, () =>
        settle({
          status: 'error',
          statusCode: code,
          channel,
          cause: new ConnectionError('not_confirmed', '"confirm" did not confirm the connection'),
        }),
      )
    }
  }

  const ours = (data: unknown) => {
    const envelope = parseEnvelope(data)
    return envelope?.attemptId === attemptId ? envelope.statusCode : undefined
  }

  disposers.push(startTimeout(timeoutMs, () => settle({ status: 'timeout', channel: 'timeout' })))
  if (signal) {
    disposers.push(
      connectEnv.listen(signal, 'abort', () => settle({ status: 'aborted', channel: 'abort' })),
    )
  }

  let broadcasting = false
  if (popup) {
    const use = (channel: CompletionChannel) => channels.includes(channel)
    if (use('message')) {
      disposers.push(
        listenForMessage<StatusCode | 'failure'>({
          allowedOrigins: origins,
          source: popup.window,
          parse: (data) =>
            data === 'status-success'
              ? 'success'
              : data === 'status-failure'
                ? 'failure'
                : ours(data),
          onMessage: (code) => report(code, 'message'),
        }),
      )
    }
    if (use('broadcast') && redirectUri) {
      const dispose = listenOnBroadcast({
        name: channelName(attemptId),
        parse: ours,
        onMessage: (code) => report(code, 'broadcast'),
      })
      if (dispose) {
        broadcasting = true
        disposers.push(dispose)
      }
    }
    const completionUrl = options.completionUrl ?? redirectUri
    if (use('poll') && completionUrl) {
      disposers.push(
        pollLocation({
          read: popup.readLocation,
          completionUrl,
          intervalMs: pollIntervalMs,
          parse: (url) => parseStatusCode(url.search) ?? null,
          onResult: (code) => report(code ?? undefined, 'poll'),
        }),
      )
    }
    if (use('closed')) {
      disposers.push(
        watchClosed(
          popup.isClosed,
          () => {
            if (broadcasting || confirm) {
              // COOP can make a live popup read closed; keep listening until the timeout.
              emit('detached')
              const id = connectEnv.setInterval(() => ask('confirm', () => {}), DETACHED_CONFIRM_MS)
              disposers.push(() => connectEnv.clearInterval(id))
            } else {
              disposers.push(
                startTimeout(CLOSED_GRACE_MS, () =>
                  settle({ status: 'closed', channel: 'closed' }),
                ),
              )
            }
          },
          pollIntervalMs,
        ),
      )
    }
  } else {
    try {
      saveAttempt({
        attemptId,
        connectionId,
        returnPath: returnUrl.pathname + returnUrl.search + returnUrl.hash,
        createdAt: start,
        expiresAt: start + timeoutMs,
      })
    } catch (error) {
      settle({
        status: 'error',
        channel: 'redirect',
        cause: new ConnectionError(
          'storage_unavailable',
          'cannot store the attempt in "sessionStorage"',
          {
            cause: error,
          },
        ),
      })
    }
  }
  if (signal?.aborted) settle({ status: 'aborted', channel: 'abort' })

  Promise.resolve()
    .then(() =>
      getRedirectUrl({
        connectionId,
        attemptId,
        signal: controller.signal,
        ...(redirectUri && { redirectUri: redirectUri.href }),
      }),
    )
    .then(
      (value) => {
        if (settled) return
        const url = checkRedirectUrl(value, allowedHosts)
        if (!url) {
          settle({
            status: 'error',
            channel: 'redirect-url',
            cause: new ConnectionError(
              'unsafe_redirect_url',
              '"redirectUrl" must be an absolute https: URL (http: only on loopback) on an allowed host',
            ),
          })
        } else if (popup) {
          popup.navigate(url)
          emit('navigated')
        } else {
          emit('redirecting')
          connectEnv.assign(url.href)
        }
      },
      (error: unknown) =>
        settle({
          status: 'error',
          channel: 'redirect-url',
          cause: new ConnectionError('redirect_url_failed', '"getRedirectUrl" failed', {
            cause: error,
          }),
        }),
    )
  return promise
}
