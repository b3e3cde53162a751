import { connectEnv } from './env.ts'

/** How long a callback page stays open after handing off, so its messages leave first. */
export const HANDOFF_CLOSE_DELAY_MS = 100

/**
 * The callback page's half of the channel race, shared by the connection and sign-in popups: posts
 * `message` to `window.opener` with the app's own origin as `targetOrigin` (never `'*'`), sends it
 * on the attempt's `BroadcastChannel` (which survives Cross-Origin-Opener-Policy), and closes the
 * window shortly after.
 *
 * @param message the envelope
 * @param channel the attempt's channel name
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.17.2
 */
export function handOff(message: unknown, channel: string): void {
  // A cross-origin opener still takes a message; COOP leaves none, and the channel reaches it.
  ;(window.opener as Window | null)?.postMessage(message, location.origin)
  const broadcast = connectEnv.channel(channel)
  broadcast?.postMessage(message)
  // Closing at once can lose the message in Chromium when several popups load together
  // (BENCHMARKS.md, leaks); the opener closes this window anyway once it has heard.
  connectEnv.setTimeout(() => {
    broadcast?.close()
    connectEnv.close()
  }, HANDOFF_CLOSE_DELAY_MS)
}
