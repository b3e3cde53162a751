import { connectEnv } from './env.ts'
import { normalizeOrigins } from './urls.ts'

/** Options of {@link listenForMessage}. */
export interface MessageListenerOptions<T> {
  /** Origins whose messages count, compared by exact string equality after normalizing. */
  readonly allowedOrigins: readonly string[]
  /** The only window whose messages count: this attempt's popup. */
  readonly source: MessageEventSource
  /** Validates `event.data`; `undefined` means "not ours, ignore". */
  readonly parse: (data: unknown) => T | undefined
  /** Called for every message that passes the three checks. */
  readonly onMessage: (value: T, event: MessageEvent) => void
}

/**
 * Listens for `message` events from one window on an exact-origin allowlist. A message counts only
 * when its origin is allowed, its source is `source`, and `parse` accepts its data.
 *
 * @param options origins, source, validator and callback
 * @returns a disposer that removes the listener
 * @throws {InvalidArgumentError} when an allowed origin is not an origin
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.17
 */
export function listenForMessage<T>(options: MessageListenerOptions<T>): () => void {
  const origins = normalizeOrigins(options.allowedOrigins)
  const { source, parse, onMessage } = options
  return connectEnv.listen(window, 'message', (event) => {
    const message = event as MessageEvent
    if (!origins.includes(message.origin) || message.source !== source) return
    const value = parse(message.data)
    if (value !== undefined) onMessage(value, message)
  })
}
