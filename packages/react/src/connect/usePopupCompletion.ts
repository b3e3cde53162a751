import {
  parseStatusCode,
  type StatusCode,
  startTimeout,
  watchClosed,
} from '@oauth-connect/core/connect'
import { useEffect, useState } from 'react'
import { useLatest } from '../useLatest.ts'
import { parseHostedMessage, usePopupMessageListener } from './usePopupMessageListener.ts'
import { usePopupTimeout } from './usePopupTimeout.ts'
import { usePopupUrlPolling } from './usePopupUrlPolling.ts'

/** How a popup watched by {@link usePopupCompletion} ended. */
export type PopupCompletion =
  /**
   * A completion message or the completion URL. `statusCode` is `undefined` for
   * `'status-failure'` or a missing, unknown or repeated `status_code`: treat it as `error`.
   */
  | { readonly channel: 'message' | 'poll'; readonly statusCode: StatusCode | undefined }
  | { readonly channel: 'closed' | 'timeout'; readonly statusCode?: undefined }

/** Options of {@link usePopupCompletion}. */
export interface UsePopupCompletionOptions {
  /** A popup the app opened itself; watching starts when it is set and ends on completion. */
  readonly popup: Window | null | undefined
  /** Origins whose messages count. */
  readonly allowedOrigins: readonly string[]
  /** When given, the popup's location is polled for it (same origin only). */
  readonly completionUrl?: string
  /** Default 300 000. */
  readonly timeoutMs?: number
  /** Poll and closed-check interval. Default 500. */
  readonly pollIntervalMs?: number
  /** Called once per popup. The popup is closed first, except after `closed`. */
  readonly onComplete: (completion: PopupCompletion) => void
}

/** Lets a late message in after the popup reads closed. */
const CLOSED_GRACE_MS = 500

/**
 * Composes {@link usePopupMessageListener}, {@link usePopupUrlPolling}, {@link usePopupTimeout} and
 * a closed check for one popup, and reports the first result once. For apps that open their own
 * windows; most apps want `useConnectProvider`.
 *
 * @param options popup, origins, completion URL, timings and callback
 */
export function usePopupCompletion(options: UsePopupCompletionOptions): void {
  const latest = useLatest(options)
  const { popup, pollIntervalMs = 500 } = options
  const [done, setDone] = useState<Window | null | undefined>(undefined)
  const active = popup && done !== popup ? popup : undefined
  const finish = (completion: PopupCompletion) => {
    if (!active) return
    setDone(active)
    if (completion.channel !== 'closed') active.close()
    latest.current.onComplete(completion)
  }
  usePopupMessageListener({
    popup: active,
    allowedOrigins: options.allowedOrigins,
    parse: parseHostedMessage,
    onMessage: (code) =>
      finish({ channel: 'message', statusCode: code === 'failure' ? undefined : code }),
  })
  usePopupUrlPolling({
    popup: options.completionUrl ? active : undefined,
    completionUrl: options.completionUrl ?? 'about:blank',
    intervalMs: pollIntervalMs,
    parse: (url) => parseStatusCode(url.search) ?? null,
    onResult: (code) => finish({ channel: 'poll', statusCode: code ?? undefined }),
  })
  usePopupTimeout({
    isActive: !!active,
    ...(options.timeoutMs && { timeoutMs: options.timeoutMs }),
    onTimeout: () => finish({ channel: 'timeout' }),
  })
  const finishLatest = useLatest(finish)
  useEffect(() => {
    if (!active) return
    let cancelGrace: (() => void) | undefined
    const stop = watchClosed(
      () => active.closed,
      () => {
        cancelGrace = startTimeout(CLOSED_GRACE_MS, () =>
          finishLatest.current({ channel: 'closed' }),
        )
      },
      pollIntervalMs,
    )
    return () => {
      stop()
      cancelGrace?.()
    }
  }, [active, pollIntervalMs, finishLatest])
}
