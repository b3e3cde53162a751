import * as env from './env.ts'
import { LoginError } from './errors.ts'

/** How long a request to the authorization server may take, body included, by default. */
export const REQUEST_TIMEOUT_MS = 30_000

/** Runs one request to the authorization server under a timeout and the client's abort path. */
export type RunRequest = <T>(
  endpoint: string,
  send: (signal: AbortSignal) => Promise<T>,
) => Promise<T>

/**
 * Gives every request of a login client an AbortSignal that fires after `timeoutMs` or when
 * `abortAll` runs (sign-out, `close()`), so a stalled server ends in a typed error and no lock or
 * single-flight promise waits for ever.
 */
export function createRequests(timeoutMs: number): { run: RunRequest; abortAll: () => void } {
  const pending = new Set<(code: 'timeout' | 'aborted') => void>()
  return {
    async run(endpoint, send) {
      const controller = new AbortController()
      const abort = (code: 'timeout' | 'aborted') =>
        controller.abort(new LoginError(code, `request to "${endpoint}" ended: ${code}`))
      const cancel = env.timeout(() => abort('timeout'), timeoutMs)
      pending.add(abort)
      try {
        return await send(controller.signal)
      } catch (cause) {
        throw controller.signal.aborted ? controller.signal.reason : cause
      } finally {
        cancel()
        pending.delete(abort)
      }
    },
    abortAll() {
      for (const abort of pending) abort('aborted')
    },
  }
}
