import { useEffect, useState } from 'react'
import { useAuthContext } from './AuthProvider.tsx'

/** State of the callback route, from {@link useAuthCallback}. */
export type AuthCallbackState =
  | { readonly status: 'pending' }
  /**
   * `returnTo` is a path on the app's own origin, safe to navigate to. `popup` is true inside a
   * sign-in popup: the opener finishes the sign-in and this window is closing.
   */
  | { readonly status: 'success'; readonly returnTo: string; readonly popup: boolean }
  /** Usually a `LoginError`; show `error.description` as text only. */
  | { readonly status: 'error'; readonly error: Error }

/**
 * Finishes the sign-in on the callback route. The callback URL is read once, before the client
 * strips `code` and `state` from the address bar, so StrictMode's second effect joins the first
 * exchange instead of starting another: exactly one token request.
 *
 * @returns the callback's progress; navigate to `returnTo` on success
 * @throws {Error} outside an `AuthProvider`
 */
export function useAuthCallback(): AuthCallbackState {
  const { client } = useAuthContext()
  const [url] = useState(() => location.href)
  const [state, setState] = useState<AuthCallbackState>({ status: 'pending' })
  useEffect(() => {
    let active = true
    client.handleCallback(url).then(
      ({ returnTo, popup }) => {
        if (active) setState({ status: 'success', returnTo, popup })
      },
      (error: unknown) => {
        if (active) {
          setState({
            status: 'error',
            error: error instanceof Error ? error : new Error('sign-in failed', { cause: error }),
          })
        }
      },
    )
    return () => {
      active = false
    }
  }, [client, url])
  return state
}
