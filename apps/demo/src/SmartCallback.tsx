import { isOAuthConnectError } from '@oauth-connect/core/login'
import { AuthProvider, useAuthCallback } from '@oauth-connect/react'
import { useEffect } from 'react'
import { errorText } from './errorText.ts'
import { navigate } from './location.ts'
import { currentFhirBase, smartClientFor } from './smart.ts'

/** The error's `code`, shown so the failure can be told apart (`audience_rejected`, …). */
export function codeOf(error: Error): string {
  return isOAuthConnectError(error) ? error.code : error.name
}

function Finish() {
  const state = useAuthCallback()
  useEffect(() => {
    if (state.status === 'success') navigate(state.returnTo, true)
  }, [state])
  return (
    <main className="callback">
      <h1>Signing you in with SMART</h1>
      {state.status === 'pending' && <p role="status">Finishing the SMART sign-in…</p>}
      {state.status === 'error' && (
        <>
          <p role="alert">
            SMART sign-in failed ({codeOf(state.error)}): {errorText(state.error)}
          </p>
          <p>
            <a href="/">Back to the demo</a>
          </p>
        </>
      )}
    </main>
  )
}

/** `/smart/callback`: the SMART client of the FHIR base the sign-in started with finishes it. */
export function SmartCallback() {
  const fhirBase = currentFhirBase()
  return (
    <AuthProvider client={smartClientFor(fhirBase)} fhirBaseUrl={fhirBase}>
      <Finish />
    </AuthProvider>
  )
}
