import type { Channel } from './channel.ts'
import { connectEnv } from './env.ts'
import { channelName, parseCompletionMessage } from './status.ts'

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

/**
 * The broadcast channel: hears the app's callback page (`completeConnection`) on
 * `BroadcastChannel('oauth-connect:<attemptId>')`, the one path that survives
 * Cross-Origin-Opener-Policy on the provider page. Only envelopes naming this attempt count: the
 * callback page finds its attempt in its own `sessionStorage`, bound by the opener at `window.open`.
 */
export const broadcastChannel: Channel = {
  name: 'broadcast',
  survivesCoop: true,
  start: ({ attemptId, report }) =>
    listenOnBroadcast({
      name: channelName(attemptId),
      parse: (data) => parseCompletionMessage(data, attemptId),
      onMessage: report,
    }),
}
