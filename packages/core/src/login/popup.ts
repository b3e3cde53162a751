import { listenOnBroadcast } from '../connect/broadcast.ts'
import { watchClosed } from '../connect/closed.ts'
import { connectEnv } from '../connect/env.ts'
import { listenForMessage } from '../connect/message.ts'
import { openPopup, type PopupHandle } from '../connect/popup.ts'
import { startTimeout } from '../connect/timeout.ts'
import { LoginError } from './errors.ts'

/** How long a closed-looking popup may still deliver a late callback. */
export const POPUP_CLOSED_GRACE_MS = 1_000

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
 * Waits for the popup's callback page to hand back the callback URL of this attempt, racing the
 * connection flow's channels: an origin- and source-checked `message`, the attempt's
 * BroadcastChannel (which survives COOP), the popup closing, the timeout and the signal. Every
 * listener, timer and the popup itself are gone when it settles.
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
  const { redirectUri, state, signal } = options
  const disposers: (() => void)[] = []
  return new Promise<URL>((resolve, reject) => {
    const fail = (code: 'popup_closed' | 'timeout' | 'aborted', message: string) =>
      reject(new LoginError(code, message))
    const accept = (href: string) => {
      const url = new URL(href)
      // Only this attempt's callback, on the registered redirect URI, counts.
      if (
        url.origin + url.pathname === redirectUri.origin + redirectUri.pathname &&
        url.searchParams.get('state') === state
      ) {
        resolve(url)
      }
    }
    disposers.push(
      listenForMessage({
        allowedOrigins: [redirectUri.origin],
        source: popup.window,
        parse: parseEnvelope,
        onMessage: accept,
      }),
      listenOnBroadcast({ name: channelName(state), parse: parseEnvelope, onMessage: accept }) ??
        (() => {}),
      startTimeout(options.timeoutMs, () => fail('timeout', 'the sign-in popup timed out')),
      watchClosed(
        () => popup.isClosed(),
        () => {
          disposers.push(
            startTimeout(POPUP_CLOSED_GRACE_MS, () =>
              fail('popup_closed', 'the sign-in popup was closed'),
            ),
          )
        },
      ),
    )
    if (signal) {
      disposers.push(
        connectEnv.listen(signal, 'abort', () => fail('aborted', 'the sign-in was aborted')),
      )
      if (signal.aborted) fail('aborted', 'the sign-in was aborted')
    }
    options.navigate().catch(reject)
  }).finally(() => {
    for (const dispose of disposers) dispose()
    popup.close()
  })
}

/**
 * On the callback page inside the popup: hands the callback URL to the opener, by `postMessage`
 * to the app's own origin (never `'*'`) and on the attempt's BroadcastChannel, then closes.
 */
function forwardPopupCallback(url: URL, state: string): void {
  const envelope: LoginEnvelope = { type: 'oauth-connect:login', version: 1, url: url.href }
  try {
    ;(window.opener as Window | null)?.postMessage(envelope, location.origin)
  } catch {
    // A cut or cross-origin opener: the BroadcastChannel below still reaches the app.
  }
  const channel = connectEnv.channel(channelName(state))
  channel?.postMessage(envelope)
  channel?.close()
  connectEnv.close()
}

/** What popup mode needs, passed to `createLoginClient` as its `popup` option. */
export interface PopupLogin {
  /** Opens the blank popup; `undefined` when blocked. */
  readonly open: () => PopupHandle | undefined
  readonly wait: typeof awaitPopupCallback
  readonly forward: typeof forwardPopupCallback
}

/**
 * Popup sign-in, on the connection flow's popup and completion channels. Pass it as the `popup`
 * option of `createLoginClient` to enable `login({ mode: 'popup' })`; apps that only redirect
 * leave it out and do not ship it.
 */
export const popupLogin: PopupLogin = {
  open: () => openPopup({ name: 'oauth-connect-login', message: 'Signing in…' }),
  wait: awaitPopupCallback,
  forward: forwardPopupCallback,
}
