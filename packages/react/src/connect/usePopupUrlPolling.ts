import { pollLocation } from '@oauth-connect/core/connect'
import { useEffect } from 'react'
import { useLatest } from '../useLatest.ts'

/** Options of {@link usePopupUrlPolling}. */
export interface UsePopupUrlPollingOptions<T> {
  /** The popup to poll; nothing is polled while it is `null`/`undefined`. */
  readonly popup: Window | null | undefined
  /** The completion URL; it must share the app's origin to ever be readable. */
  readonly completionUrl: string
  /** Reads the result at the completion URL; `undefined` keeps polling. */
  readonly parse: (url: URL) => T | undefined
  readonly onResult: (value: T) => void
  /** Default 500. */
  readonly intervalMs?: number
}

/**
 * Polls a popup's location until it reaches the completion URL. `SecurityError` while the popup is
 * cross-origin is expected and ignored. Thin over core `pollLocation`.
 *
 * @param options popup, completion URL, parser, callback and interval
 */
export function usePopupUrlPolling<T>(options: UsePopupUrlPollingOptions<T>): void {
  const latest = useLatest(options)
  const { popup, completionUrl, intervalMs = 500 } = options
  useEffect(() => {
    if (!popup) return
    return pollLocation({
      read: () => {
        try {
          return popup.location.href
        } catch {
          return undefined
        }
      },
      completionUrl,
      intervalMs,
      parse: (url) => latest.current.parse(url),
      onResult: (value) => latest.current.onResult(value),
    })
  }, [popup, completionUrl, intervalMs, latest])
}
