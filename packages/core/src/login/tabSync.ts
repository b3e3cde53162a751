import type { Session } from './session.ts'
import type { RemoteRefresh } from './sessionStore.ts'

/** What a login client's tabs tell each other. */
export type TabMessage =
  | { type: 'signed-out' }
  /** `signed-in` is a new session; `session` a refresh of the current one. */
  | { type: 'signed-in' | 'session'; session: Session }
  | { type: 'refreshing' }
  | { type: 'idle' }

/** An object another tab posted, its fields not yet checked. */
type Message = Readonly<Record<string, unknown>>

/**
 * Opens the BroadcastChannel `name` to the client's other tabs. Their `refreshing` and what ends
 * it go to `remote`; every other object they post goes to `receive`, which narrows its fields.
 * Returns the channel, for posting {@link TabMessage}s and closing; `undefined` where there is
 * no BroadcastChannel.
 */
export function tabSync(
  name: string,
  remote: RemoteRefresh | undefined,
  receive: (message: Message) => void,
): BroadcastChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined
  const channel = new BroadcastChannel(name)
  channel.onmessage = ({ data }: MessageEvent<unknown>) => {
    if (typeof data !== 'object' || data === null) return
    if ((data as Message).type === 'refreshing') return remote?.start()
    remote?.end()
    receive(data as Message)
  }
  return channel
}
