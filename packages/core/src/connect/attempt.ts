import { bind, newAttemptId } from './attemptRecord.ts'
import type { Channel } from './channel.ts'
import type { ConnectProviderOptions } from './connectProvider.ts'
import { connectEnv } from './env.ts'
import { assertArgument } from './errors.ts'
import { listenForMessage } from './message.ts'
import type {
  CompletionChannel,
  ConnectionOutcome,
  ConnectionPhase,
  EndedOutcome,
  OutcomeChannel,
} from './outcome.ts'
import { openPopup } from './popup.ts'
import { startRace } from './race.ts'
import { failure, type Settlement, settlementFor } from './settlement.ts'
import { parseCompletionMessage, type StatusCode } from './status.ts'
import { checkRedirectUrl, normalizeOrigins, sameOriginUrl } from './urls.ts'

/** One running connection attempt. */
export interface Attempt {
  readonly attemptId: string
  readonly promise: Promise<ConnectionOutcome>
  /** Brings the attempt's popup to the front. */
  focus(): void
  /** Settles the attempt as `aborted` and closes its popup. */
  cancel(): void
}

const DETACHED_CONFIRM_MS = 3000

// Timers fire at once for delays of 2^31 ms or more, and for NaN.
const isDelay = (ms: number) => ms > 0 && ms < 2 ** 31

/**
 * Checks the options, before anything opens.
 *
 * @returns a function that runs the attempt
 * @throws {InvalidArgumentError} for options of the wrong shape
 */
export function prepareAttempt(
  options: ConnectProviderOptions,
): (register: (attempt: Attempt) => () => void) => Attempt {
  const {
    connectionId,
    getRedirectUrl,
    mode = 'popup',
    timeoutMs = 300_000,
    pollIntervalMs = 500,
    callbackUrl,
  } = options
  const origin = location.origin
  const origins = [...normalizeOrigins(options.allowedOrigins ?? []), origin]
  const callback = callbackUrl === undefined ? undefined : sameOriginUrl(callbackUrl, origin)
  const returnUrl = sameOriginUrl(options.returnPath ?? location.href, origin)
  assertArgument(typeof connectionId === 'string' && connectionId, 'connectionId')
  assertArgument(typeof getRedirectUrl === 'function', 'getRedirectUrl')
  assertArgument(isDelay(timeoutMs), 'timeoutMs')
  assertArgument(isDelay(pollIntervalMs), 'pollIntervalMs')
  assertArgument(callbackUrl === undefined ? mode === 'popup' : callback, 'callbackUrl')
  assertArgument(returnUrl, 'returnPath')
  const { channels = ['message', 'closed'], confirm } = options
  const returnPath = returnUrl.href.slice(origin.length)
  return (register) => {
    const attemptId = newAttemptId()
    const start = Date.now()
    const use = (name: CompletionChannel) =>
      channels.some((channel) => channel === name || (channel as Channel).name === name)

    // An onEvent that throws is not caught: every phase is reported after the state it names, so
    // the attempt still settles and cleans up, and the error surfaces where it was thrown.
    const emit = (type: ConnectionPhase, outcome?: ConnectionOutcome) => {
      options.onEvent?.({ type, attemptId, connectionId, at: Date.now(), outcome })
    }

    // The popup's sessionStorage is cloned from ours at window.open: bind it to this attempt just
    // before, so a callback URL registered with the provider still finds its attempt.
    // An attempt that only polls stays unbound: its callback page then leaves itself to be read.
    bind(callback && (use('message') || use('broadcast')) ? attemptId : undefined)
    const popup =
      mode === 'redirect'
        ? undefined
        : openPopup({
            // One window per attempt: a shared name would let another attempt take this one over.
            name: `oauth-connect-${attemptId}`,
            message: `Connecting to ${options.providerName ?? 'your provider'}…`,
          })
    bind()
    const redirect = !popup && mode !== 'popup'

    const settlement = (fields: Settlement) =>
      ({ ...fields, attemptId, connectionId, elapsedMs: Date.now() - start }) as ConnectionOutcome
    const end = (status: EndedOutcome['status']) => settlement({ status, channel: status })
    let unregister: (() => void) | undefined
    const race = startRace<ConnectionOutcome>({
      timeoutMs,
      signal: options.signal,
      end,
      onSettled: (outcome) => {
        unregister?.()
        emit('settled', outcome)
      },
    })
    const settle = (fields: Settlement) => race.settle(settlement(fields))
    race.add(() => {
      popup?.close()
      if (redirect) bind()
    })
    const attempt: Attempt = {
      attemptId,
      promise: race.promise,
      focus: () => popup?.focus(),
      cancel: () => race.settle(end('aborted')),
    }

    if (!popup && !redirect) {
      race.settle(end('blocked'))
      return attempt
    }
    // Before any phase is reported: a throwing onEvent must not leave the attempt unregistered.
    if (!race.done()) unregister = register(attempt)

    const redirectUri = callback && new URL(callback)
    redirectUri?.searchParams.set('attempt', attemptId)
    // One request object for both calls; `confirm` ignores `redirectUri`.
    const request = {
      connectionId,
      attemptId,
      signal: race.signal,
      ...(redirectUri && { redirectUri: redirectUri.href }),
    }
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

    let detachable = !!confirm
    if (popup) {
      if (use('message')) {
        race.add(
          listenForMessage<StatusCode | 'failure'>({
            allowedOrigins: origins,
            source: popup.window,
            parse: (data) => parseCompletionMessage(data, attemptId),
            onMessage: (code) => report(code, 'message'),
          }),
        )
      }
      for (const channel of channels) {
        if (typeof channel === 'object' && callback) {
          const dispose = channel.start({
            attemptId,
            popup,
            callbackUrl: callback,
            pollIntervalMs,
            report: (code) => report(code, channel.name),
          })
          detachable ||= channel.survivesCoop && !!dispose
          race.add(dispose)
        }
      }
      if (use('closed')) {
        race.watch(
          popup.isClosed,
          pollIntervalMs,
          detachable
            ? () => {
                // COOP can make a live popup read closed; keep listening until the timeout.
                emit('detached')
                const id = connectEnv.setInterval(() => ask('confirm'), DETACHED_CONFIRM_MS)
                race.add(() => connectEnv.clearInterval(id))
              }
            : undefined,
        )
      }
    } else {
      // The tab comes back on a callback URL that may carry nothing of ours.
      const error = bind({
        attemptId,
        connectionId,
        returnPath,
        createdAt: start,
        expiresAt: start + timeoutMs,
      })
      if (error) settle(failure('redirect', 'storage_unavailable', 'sessionStorage', error))
    }

    // A synchronous throw becomes a rejection too.
    new Promise<string>((resolve) => resolve(getRedirectUrl(request))).then(
      (value) => {
        if (race.done()) return
        const url = checkRedirectUrl(value, options.allowedHosts)
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
    if (popup && !race.done()) emit('opened')
    return attempt
  }
}
