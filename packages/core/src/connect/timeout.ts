import { connectEnv } from './env.ts'

/**
 * Runs a callback after a delay through {@link connectEnv}.
 *
 * @param ms the delay
 * @param onTimeout the callback
 * @returns a disposer that cancels it
 */
export function startTimeout(ms: number, onTimeout: () => void): () => void {
  const id = connectEnv.setTimeout(onTimeout, ms)
  return () => connectEnv.clearTimeout(id)
}
