import { connectEnv } from './env.ts'
import { assertArgument } from './errors.ts'

declare const process: { env: Record<string, string | undefined> }

/** Options of {@link openPopup}. */
export interface OpenPopupOptions {
  /** Window name; reusing a name reuses the window. Default `'oauth-connect'`. */
  readonly name?: string
  /** Default 500. */
  readonly width?: number
  /** Default 600. */
  readonly height?: number
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
   * @throws {InvalidArgumentError} for anything but an `http:` or `https:` URL
   */
  navigate(url: string | URL): void
  close(): void
  isClosed(): boolean
  focus(): void
  /** The popup's current URL, or `undefined` while it is cross-origin (`SecurityError`). */
  readLocation(): string | undefined
}

/**
 * Opens a blank popup. Call it in the click handler's own call stack, before any `await`: Safari,
 * Firefox and iOS block a `window.open` that runs later.
 *
 * @param options size, name and the interstitial text
 * @returns the popup, or `undefined` when it was blocked
 */
export function openPopup(options: OpenPopupOptions = {}): PopupHandle | undefined {
  const { name = 'oauth-connect', width = 500, height = 600, message } = options
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
  const popup = connectEnv.open('', name, `width=${width},height=${height},scrollbars=yes`)
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
      const target = new URL(url)
      assertArgument(/^https?:$/.test(target.protocol), 'url')
      popup.location.href = target.href
    },
    close: () => popup.close(),
    isClosed: () => popup.closed,
    focus: () => popup.focus(),
    readLocation() {
      try {
        return popup.location.href
      } catch {
        return undefined
      }
    },
  }
}
