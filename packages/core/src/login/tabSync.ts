import * as env from './env.ts'
import type { Session } from './session.ts'

/** What a login client's tabs tell each other. */
export type TabMessage =
  | { type: 'signed-out' }
  /**
   * `signed-in` is a new session; `session` a refresh of the current one; `current` the answer
   * to `ask` (sessionStore only).
   */
  | { type: 'signed-in' | 'session' | 'current'; session: Session }
  | { type: 'ask' }
  | { type: 'refreshing' }
  | { type: 'idle' }

/** An object another tab posted, its fields not yet checked. */
export type TabMessageData = Readonly<Record<string, unknown>>

/**
 * Opens the BroadcastChannel `name` to the client's other tabs and hands every object they post
 * to `receive`, which narrows its fields. Returns the channel, for posting {@link TabMessage}s and
 * closing; `undefined` where there is no BroadcastChannel.
 */
export function tabSync(
  name: string,
  receive: (message: TabMessageData) => void,
): BroadcastChannel | undefined {
  const channel = env.channel(name)
  if (channel) {
    channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      // Structured clones are objects of this realm: `null` and primitives are not Objects.
      if (data instanceof Object) receive(data as TabMessageData)
    }
  }
  return channel
}
