import {
  listenForMessage,
  parseCompletionMessage,
  type StatusCode,
} from '@oauth-connect/core/connect'
import { useEffect } from 'react'
import { useLatest } from '../useLatest.ts'

/** Options of {@link usePopupMessageListener}. */
export interface UsePopupMessageListenerOptions<T> {
  /** The popup whose messages count; nothing is listened to while it is `null`/`undefined`. */
  readonly popup: MessageEventSource | null | undefined
  /** Origins compared by exact string equality after normalizing. */
  readonly allowedOrigins: readonly string[]
  /** Validates `event.data`; `undefined` ignores the message. */
  readonly parse: (data: unknown) => T | undefined
  readonly onMessage: (value: T, event: MessageEvent) => void
}

/**
 * Listens for `message` events from one popup on an exact-origin allowlist, for apps that open
 * their own windows. Thin over core `listenForMessage`; `parse` and `onMessage` may change freely.
 *
 * @param options popup, origins, validator and callback
 * @throws {InvalidArgumentError} when an allowed origin is not an origin
 */
export function usePopupMessageListener<T>(options: UsePopupMessageListenerOptions<T>): void {
  const latest = useLatest(options)
  const { popup } = options
  const origins = options.allowedOrigins.join(' ')
  useEffect(() => {
    if (!popup) return
    return listenForMessage({
      allowedOrigins: origins ? origins.split(' ') : [],
      source: popup,
      parse: (data) => latest.current.parse(data),
      onMessage: (value, event) => latest.current.onMessage(value, event),
    })
  }, [popup, origins, latest])
}

/**
 * The default `parse` for the b.well hosted page and the toolkit's envelope.
 *
 * @returns the status code, `'failure'` for `'status-failure'`, or `undefined`
 */
export const parseHostedMessage = (data: unknown): StatusCode | 'failure' | undefined =>
  parseCompletionMessage(data)
