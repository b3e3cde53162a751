import { useAuthCallback } from '@oauth-connect/react'
import { useEffect } from 'react'
import { navigate } from './location.ts'

/** `/callback`: exchanges the code once, then goes back to where sign-in started. */
export function LoginCallback() {
  const state = useAuthCallback()
  useEffect(() => {
    if (state.status === 'success' && !state.popup) navigate(state.returnTo, true)
  }, [state])
  return (
    <main className="callback">
      <h1>Signing you in</h1>
      {state.status === 'pending' && <p role="status">Finishing the sign-in…</p>}
      {state.status === 'success' && state.popup && (
        <p role="status">Signed in. This window closes itself.</p>
      )}
      {state.status === 'error' && (
        <>
          <p role="alert">Sign-in failed: {state.error.message}</p>
          <p>
            <a href="/">Back to the demo</a>
          </p>
        </>
      )}
    </main>
  )
}
