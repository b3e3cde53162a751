import { connectEnv } from './env.ts'

/**
 * Watches for a popup to read as closed. Under Cross-Origin-Opener-Policy a window can read closed
 * while it is still open, so the caller decides what "closed" means.
 *
 * @param isClosed reads the popup's `closed`
 * @param onClosed called once, after which watching stops
 * @param intervalMs default 500
 * @returns a disposer that stops watching
 */
export function watchClosed(
  isClosed: () => boolean,
  onClosed: () => void,
  intervalMs = 500,
): () => void {
  const id = connectEnv.setInterval(() => {
    if (!isClosed()) return
    connectEnv.clearInterval(id)
    onClosed()
  }, intervalMs)
  return () => connectEnv.clearInterval(id)
}
