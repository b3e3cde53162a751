import { listenOnBroadcast } from '../connect/broadcast.ts'
import { handOff } from '../connect/handoff.ts'
import { listenForMessage } from '../connect/message.ts'
import { openPopup, type PopupHandle } from '../connect/popup.ts'
import { CLOSED_GRACE_MS, startRace } from '../connect/race.ts'
import { LoginError } from './errors.ts'

/** How long a closed-looking popup may still deliver a late callback: the toolkit's one grace. */
export const POPUP_CLOSED_GRACE_MS = CLOSED_GRACE_MS

/** The message the popup's callback page sends to the opener, on both channels. */
interface LoginEnvelope {
  readonly type: 'oauth-connect:login'
  readonly version: 1
  /** The callback URL as it arrived, `code` and `state` included; never a token. */
  readonly url: string
}

const channelName = (state: string) => `oauth-connect:login:${state}`

function parseEnvelope(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const envelope = data as Record<string, unknown>
  return envelope.type === 'oauth-connect:login' &&
    envelope.version === 1 &&
    typeof envelope.url === 'string' &&
    URL.canParse(envelope.url)
    ? envelope.url
    : undefined
}

/**
 * Waits for the popup's callback page to hand back the callback URL of this attempt, on the
 * connection flow's channel race: an origin- and source-checked `message`, the attempt's
 * BroadcastChannel (which survives COOP), the popup closing (after the one grace period), the
 * timeout and the signal. It settles once; every listener, timer and the popup itself are gone
 * right after.
 *
 * @throws {LoginError} `popup_closed`, `timeout`, `aborted`, or what `navigate` rejects with
 */
function awaitPopupCallback(
  popup: PopupHandle,
  options: {
    readonly redirectUri: URL
    readonly state: string
    readonly timeoutMs: number
    readonly signal: AbortSignal | undefined
    readonly navigate: () => Promise<void>
  },
): Promise<URL> {
  const { redirectUri, state } = options
  const race = startRace<URL | Error>({
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    end: (reason) =>
      reason === 'closed'
        ? new LoginError('popup_closed', 'the sign-in popup was closed')
        : reason === 'timeout'
          ? new LoginError('timeout', 'the sign-in popup timed out')
          : new LoginError('aborted', 'the sign-in was aborted'),
  })
  race.add(() => popup.close())
  const accept = (href: string) => {
    const url = new URL(href)
    // Only this attempt's callback, on the registered redirect URI, counts.
    if (
      url.origin + url.pathname === redirectUri.origin + redirectUri.pathname &&
      url.searchParams.get('state') === state
    ) {
      race.settle(url)
    }
  }
  race.add(
    listenForMessage({
      allowedOrigins: [redirectUri.origin],
      source: popup.window,
      parse: parseEnvelope,
      onMessage: accept,
    }),
  )
  race.add(listenOnBroadcast({ name: channelName(state), parse: parseEnvelope, onMessage: accept }))
  race.watch(popup.isClosed, 500)
  if (!race.done()) {
    options
      .navigate()
      .catch((error: unknown) =>
        race.settle(error instanceof Error ? error : new Error(String(error))),
      )
  }
  return race.promise.then((value) => {
    if (value instanceof URL) return value
    throw value
  })
}

/**
 * On the callback page inside the popup: hands the callback URL to the opener, by `postMessage`
 * to the app's own origin (never `'*'`) and on the attempt's BroadcastChannel, then closes, through
 * the connection flow's hand-off.
 */
function forwardPopupCallback(url: URL, state: string): void {
  const envelope: LoginEnvelope = { type: 'oauth-connect:login', version: 1, url: url.href }
  handOff(envelope, channelName(state))
}

/** Marks a popup attempt's `state`, so its callback page forwards instead of exchanging. */
export const POPUP_STATE_PREFIX = 'p.'

/** What a popup sign-in needs from the login client. */
export interface PopupStart {
  readonly redirectUri: string
  readonly state: string
  /** Default 300 000 ms. */
  readonly timeoutMs?: number | undefined
  readonly signal?: AbortSignal | undefined
  /** Makes the authorization URL, once the popup is open. */
  readonly url: () => Promise<URL>
}

/**
 * Opens the popup at once (in the click's call stack, before any await) and waits for the
 * attempt's callback URL.
 *
 * @throws {LoginError} `popup_blocked`, and what {@link awaitPopupCallback} throws
 */
function startPopup(options: PopupStart): Promise<URL> {
  const handle = openPopup({ name: 'oauth-connect-login', message: 'Signing in…' })
  if (!handle) {
    return Promise.reject(new LoginError('popup_blocked', 'the browser blocked the popup'))
  }
  return awaitPopupCallback(handle, {
    redirectUri: new URL(options.redirectUri),
    state: options.state,
    timeoutMs: options.timeoutMs ?? 300_000,
    signal: options.signal,
    navigate: async () => handle.navigate(await options.url()),
  })
}

/** On the callback page: forwards a popup attempt's callback; `false` for any other callback. */
function forward(url: URL, state: string | undefined): boolean {
  if (!state?.startsWith(POPUP_STATE_PREFIX)) return false
  forwardPopupCallback(url, state)
  return true
}

/** What popup mode needs, passed to `createLoginClient` as its `popup` option. */
export interface PopupLogin {
  /** Opens the popup synchronously, then resolves with the callback URL of the attempt. */
  readonly start: (options: PopupStart) => Promise<URL>
  /** Hands a popup attempt's callback to the opener; returns `false` for any other callback. */
  readonly forward: (url: URL, state: string | undefined) => boolean
}

/**
 * Popup sign-in, on the connection flow's popup and completion channels. Pass it as the `popup`
 * option of `createLoginClient` to enable `login({ mode: 'popup' })`; apps that only redirect
 * leave it out and do not ship it.
 */
export const popupLogin: PopupLogin = { start: startPopup, forward }
