import { connectEnv } from './env.ts'
import { assertArgument } from './errors.ts'
import { checkRedirectUrl } from './urls.ts'

declare const process: { env: Record<string, string | undefined> }

/** Options of {@link openPopup}. */
export interface OpenPopupOptions {
  /**
   * Window name. Reusing a name reuses (and navigates) that window, so give each attempt its own.
   * Default `'_blank'`: a new window every time.
   */
  readonly name?: string
  /** Text shown in the blank popup until it navigates, e.g. `Connecting to Epic…`. */
  readonly message?: string
}

/** An open popup. Every member is safe to call after the window has closed. */
export interface PopupHandle {
  /** The popup's window, to compare with `event.source`. */
  readonly window: Window
  /**
   * Sends the popup to a URL.
   *
   * @throws {InvalidArgumentError} for anything but an absolute `https:` URL, or `http:` on a
   *   loopback host (see `checkRedirectUrl`)
   */
  navigate(url: string | URL): void
  close(): void
  isClosed(): boolean
  focus(): void
}

/**
 * Opens a blank 500×600 popup. Call it in the click handler's own call stack, before any `await`: Safari,
 * Firefox and iOS block a `window.open` that runs later.
 *
 * @param options size, name and the interstitial text
 * @returns the popup, or `undefined` when it was blocked
 */
export function openPopup(options: OpenPopupOptions = {}): PopupHandle | undefined {
  const { name = '_blank', message } = options
  if (
    typeof process !== 'undefined' &&
    process.env.NODE_ENV !== 'production' &&
    typeof navigator !== 'undefined' &&
    navigator.userActivation?.isActive === false
  ) {
    console.warn(
      '[oauth-connect] window.open called without a user gesture; browsers may block the popup. Open it in the click handler, before any await.',
    )
  }
  const popup = connectEnv.open('', name, 'width=500,height=600,scrollbars=yes')
  if (!popup) return undefined
  if (message) {
    try {
      // textContent, never innerHTML: the provider name may come from an API.
      popup.document.body.textContent = message
    } catch {
      // A reused window may already be cross-origin; the interstitial is cosmetic.
    }
  }
  return {
    window: popup,
    navigate(url) {
      // The same check as every redirect URL: absolute https:, or http: on a loopback host.
      const target = checkRedirectUrl(url)
      assertArgument(target, 'url')
      popup.location.href = target.href
    },
    close: () => popup.close(),
    isClosed: () => popup.closed,
    focus: () => popup.focus(),
  }
}
