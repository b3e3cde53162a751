import { type CompletionResult, completeConnection } from '@oauth-connect/core/connect'
import { useEffect, useRef, useState } from 'react'
import { useLatest } from '../useLatest.ts'

/** Options of {@link useConnectionCallback}. */
export interface UseConnectionCallbackOptions {
  /**
   * Redirect mode: called once with the stored same-origin return path and the outcome, e.g. to
   * navigate back with your router. Without it, the hook only returns the result.
   */
  readonly onRedirect?: (
    returnPath: string,
    result: Extract<CompletionResult, { kind: 'redirect' }>,
  ) => void
}

/**
 * Runs `completeConnection` once on the app's connection callback route, also under StrictMode's
 * double effects. In popup mode the window posts the result and closes itself; in redirect mode
 * the result carries the outcome and the path to return to.
 *
 * @param options `onRedirect`
 * @returns `undefined` until the effect has run, then what `completeConnection` did
 */
export function useConnectionCallback(
  options: UseConnectionCallbackOptions = {},
): CompletionResult | undefined {
  const latest = useLatest(options)
  const [result, setResult] = useState<CompletionResult>()
  // The URL is stripped on the first run, so a second run would see nothing: run exactly once.
  const ran = useRef(false)
  useEffect(() => {
    if (ran.current) return
    ran.current = true
    const completion = completeConnection()
    setResult(completion)
    if (completion.kind === 'redirect')
      latest.current.onRedirect?.(completion.returnPath, completion)
  }, [latest])
  return result
}
