import { connectEnv } from './env.ts'

/** Options of {@link listenOnBroadcast}. */
export interface BroadcastListenerOptions<T> {
  /** The channel name, e.g. `oauth-connect:<attemptId>`. */
  readonly name: string
  /** Validates message data; `undefined` means "ignore". */
  readonly parse: (data: unknown) => T | undefined
  readonly onMessage: (value: T) => void
}

/**
 * Listens on a `BroadcastChannel`, which same-origin pages reach even when
 * Cross-Origin-Opener-Policy has cut `window.opener`.
 *
 * @param options channel name, validator and callback
 * @returns a disposer that closes the channel, or `undefined` where `BroadcastChannel` is missing
 */
export function listenOnBroadcast<T>(
  options: BroadcastListenerOptions<T>,
): (() => void) | undefined {
  const channel = connectEnv.channel(options.name)
  if (!channel) return undefined
  const { parse, onMessage } = options
  const remove = connectEnv.listen(channel, 'message', (event) => {
    const value = parse((event as MessageEvent).data)
    if (value !== undefined) onMessage(value)
  })
  return () => {
    remove()
    channel.close()
  }
}
