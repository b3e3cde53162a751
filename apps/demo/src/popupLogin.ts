import {
  listenForMessage,
  openPopup,
  type PopupHandle,
  watchClosed,
} from '@oauth-connect/core/connect'
import type { LoginClient } from '@oauth-connect/core/login'

/** The popup's window name; the callback page relays only when it runs under this name. */
export const loginPopupName = 'oauth-connect-login'
const messageType = 'oauth-connect-demo:login-callback'

let target: PopupHandle | undefined

/**
 * Where the login client sends the browser: the sign-in popup while one is being set up, else the
 * tab itself.
 */
export function navigateForLogin(url: URL): void {
  if (target) target.navigate(url)
  else location.assign(url)
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Signs in through a popup. The popup opens before the first await (popup blockers), is sent to
 * the authorization endpoint, and its callback page relays the callback URL back here over
 * `postMessage` to this exact origin; this tab, which holds the PKCE transaction, exchanges it.
 * @returns a promise that settles when the popup has reported, closed or been blocked
 */
export function loginWithPopup(client: LoginClient, returnTo: string): Promise<void> {
  const popup = openPopup({ name: loginPopupName, message: 'Signing in…' })
  if (!popup) return Promise.reject(new Error('pop-ups are blocked for this site'))
  return new Promise<void>((resolve, reject) => {
    const disposers: (() => void)[] = []
    let done = false
    const finish = (run: () => Promise<void> | void) => {
      if (done) return
      done = true
      for (const dispose of disposers) dispose()
      popup.close()
      Promise.resolve().then(run).then(resolve, reject)
    }
    disposers.push(
      listenForMessage({
        allowedOrigins: [location.origin],
        source: popup.window,
        parse: (data) =>
          isRecord(data) && data.type === messageType && typeof data.url === 'string'
            ? data.url
            : undefined,
        onMessage: (url) => finish(() => client.handleCallback(url).then(() => undefined)),
      }),
      watchClosed(popup.isClosed, () => {
        // The relay closes the popup right after posting; let that message arrive first.
        const id = setTimeout(
          () =>
            finish(() => {
              throw new Error('the sign-in window was closed')
            }),
          500,
        )
        disposers.push(() => clearTimeout(id))
      }),
    )
    target = popup
    client.login({ returnTo }).then(
      () => {
        target = undefined
      },
      (error: unknown) => {
        target = undefined
        finish(() => {
          throw error
        })
      },
    )
  })
}

/**
 * On the callback page inside the sign-in popup: strips the URL, hands it to the opener (same
 * origin only) and closes.
 * @returns `true` when this page was the popup and has relayed
 */
export function relayLoginCallback(): boolean {
  const opener = window.opener as Window | null
  if (!opener || window.name !== loginPopupName) return false
  const url = location.href
  history.replaceState(null, '', location.pathname)
  opener.postMessage({ type: messageType, url }, location.origin)
  window.close()
  return true
}
