import { startTimeout } from '@oauth-connect/core/connect'
import { useEffect } from 'react'
import { useLatest } from '../useLatest.ts'

/** Options of {@link usePopupTimeout}. */
export interface UsePopupTimeoutOptions {
  /** The timer runs only while this is `true`; turning it off or on restarts it. */
  readonly isActive: boolean
  /** Default 300 000. */
  readonly timeoutMs?: number
  readonly onTimeout: () => void
}

/**
 * Calls `onTimeout` once `timeoutMs` has passed while `isActive`. Thin over core `startTimeout`.
 *
 * @param options activity, delay and callback
 */
export function usePopupTimeout(options: UsePopupTimeoutOptions): void {
  const latest = useLatest(options)
  const { isActive, timeoutMs = 300_000 } = options
  useEffect(() => {
    if (!isActive) return
    return startTimeout(timeoutMs, () => latest.current.onTimeout())
  }, [isActive, timeoutMs, latest])
}
