import { useAuth, useFhirQuery } from '@oauth-connect/react'
import { LoginButton, LogoutButton } from '@oauth-connect/ui'
import { useId } from 'react'
import { errorText } from './errorText.ts'
import { summarizePatient } from './patient.ts'
import type { Settings } from './settings.ts'

interface SignInPanelProps {
  readonly settings: Settings
}

function PatientCard() {
  const id = useId()
  const query = useFhirQuery('Patient')
  const patient = query.data ? summarizePatient(query.data) : undefined
  return (
    <article aria-labelledby={`${id}-heading`} className="card">
      <h3 id={`${id}-heading`}>Your patient record</h3>
      {query.isPending && <p role="status">Loading the patient from FHIR…</p>}
      {query.isError && <p role="alert">Could not load the patient: {errorText(query.error)}</p>}
      {query.isSuccess && !patient && <p>The FHIR server has no patient for this user.</p>}
      {patient && (
        <dl>
          <dt>Name</dt>
          <dd>{patient.name}</dd>
          <dt>Birth date</dt>
          <dd>{patient.birthDate}</dd>
          <dt>Identifier</dt>
          <dd>{patient.identifier}</dd>
        </dl>
      )}
      <p className="hint">
        From <code>GET /fhir/Patient</code> with the access token in the Authorization header.
      </p>
      <button type="button" onClick={() => void query.refetch()} disabled={query.isFetching}>
        Reload the patient
      </button>
    </article>
  )
}

/** Sign-in with PKCE, the patient card, sign-out. */
export function SignInPanel({ settings }: SignInPanelProps) {
  const id = useId()
  const auth = useAuth()
  const name = typeof auth.claims?.name === 'string' ? auth.claims.name : auth.claims?.sub
  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>Sign in</h2>
      <p className="explain">
        OAuth 2.0 Authorization Code with PKCE against the Medblocks-style server; the tokens stay
        in {settings.storage === 'session' ? "this tab's sessionStorage" : 'memory'}.
      </p>
      <div role="status" className="auth-status">
        {auth.status === 'loading' && 'Signing in…'}
        {auth.status === 'signed-out' && 'You are signed out.'}
        {auth.status === 'signed-in' && `Signed in as ${name ?? 'an unnamed user'}.`}
      </div>
      {auth.error && auth.status !== 'signed-in' && (
        <p role="alert">Sign-in failed: {errorText(auth.error)}</p>
      )}
      {auth.status === 'signed-in' ? (
        <>
          <PatientCard />
          <LogoutButton />
        </>
      ) : (
        <>
          <LoginButton
            options={{
              mode: settings.loginPopup ? 'popup' : 'redirect',
              returnTo: location.pathname + location.search,
            }}
          />
          <p className="hint">
            Use <code>amy.shaw</code> / <code>amy-password</code>.{' '}
            {settings.loginPopup
              ? 'Sign-in opens a popup.'
              : 'Sign-in leaves this page and comes back.'}
          </p>
        </>
      )}
    </section>
  )
}
