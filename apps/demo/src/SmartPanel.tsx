import {
  AuthProvider,
  type FhirBundle,
  isFhirPatient,
  launchPatient,
  useAuth,
  useFhirQuery,
  useFhirRead,
  useLaunchContext,
} from '@oauth-connect/react'
import { useId, useState } from 'react'
import { errorText } from './errorText.ts'
import { codeOf } from './SmartCallback.tsx'
import { currentFhirBase, rememberFhirBase, smartClientFor, smartConfig } from './smart.ts'

/** One row of the observations table, read field by field from an untrusted Observation. */
function observationRows(bundle: FhirBundle) {
  return (bundle.entry ?? []).flatMap((entry) => {
    const resource = entry.resource
    if (resource?.resourceType !== 'Observation') return []
    const code = resource.code as { text?: unknown } | undefined
    const quantity = resource.valueQuantity as { value?: unknown; unit?: unknown } | undefined
    const when = resource.effectiveDateTime
    return [
      {
        id: resource.id ?? '',
        name: typeof code?.text === 'string' ? code.text : 'Observation',
        value:
          typeof quantity?.value === 'number'
            ? `${quantity.value} ${typeof quantity.unit === 'string' ? quantity.unit : ''}`.trim()
            : '—',
        when: typeof when === 'string' ? when.slice(0, 10) : '',
      },
    ]
  })
}

/** The patient banner SMART asks for (`need_patient_banner`), from the launch patient. */
function PatientBanner() {
  const query = useFhirRead('Patient', launchPatient)
  const patient = isFhirPatient(query.data) ? query.data : undefined
  return (
    <aside aria-label="Patient banner" className="card">
      {query.isPending && <p role="status">Loading the launch patient…</p>}
      {query.isError && <p role="alert">Could not load the patient: {errorText(query.error)}</p>}
      {patient && (
        <dl>
          <dt>Patient</dt>
          <dd>{patient.name?.[0]?.text ?? patient.id}</dd>
          <dt>Born</dt>
          <dd>{patient.birthDate ?? 'unknown'}</dd>
          <dt>Patient id</dt>
          <dd>{patient.id}</dd>
        </dl>
      )}
    </aside>
  )
}

function Observations() {
  const id = useId()
  const query = useFhirQuery('Observation', { patient: launchPatient })
  const rows = query.data ? observationRows(query.data) : []
  return (
    <article aria-labelledby={`${id}-heading`} className="card">
      <h3 id={`${id}-heading`}>Observations of the launch patient</h3>
      {query.isPending && <p role="status">Loading observations…</p>}
      {query.isError && <p role="alert">Could not load observations: {errorText(query.error)}</p>}
      {query.isSuccess && rows.length === 0 && <p>No observations.</p>}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Observation</th>
              <th scope="col">Value</th>
              <th scope="col">Date</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>{row.name}</td>
                <td>{row.value}</td>
                <td>{row.when}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="hint">
        From <code>GET /fhir/Observation?patient=…</code>, the patient taken from the launch
        context.
      </p>
    </article>
  )
}

function SmartSession({
  fhirBase,
  onFhirBase,
}: {
  fhirBase: string
  onFhirBase: (value: string) => void
}) {
  const auth = useAuth()
  const launch = useLaunchContext()
  const inputId = useId()
  return (
    <>
      <div role="status" className="auth-status">
        {auth.status === 'loading' && 'Signing in with SMART…'}
        {auth.status === 'signed-out' && 'Not signed in with SMART.'}
        {auth.status === 'error' && 'Not signed in with SMART.'}
        {auth.status === 'signed-in' &&
          `Signed in with SMART as ${launch?.fhirUser ?? auth.claims?.sub ?? 'an unnamed user'}.`}
      </div>
      {auth.error && auth.status !== 'signed-in' && (
        <p role="alert">
          SMART sign-in failed ({codeOf(auth.error)}): {errorText(auth.error)}
        </p>
      )}
      {auth.status !== 'signed-in' && (
        <form
          onSubmit={(event) => {
            event.preventDefault()
            rememberFhirBase(fhirBase)
            void smartClientFor(fhirBase)
              .login({ returnTo: '/' })
              .catch(() => {
                // The snapshot's error shows it.
              })
          }}
        >
          <div className="field">
            <label htmlFor={inputId}>FHIR base URL</label>
            <input
              id={inputId}
              type="url"
              value={fhirBase}
              onChange={(event) => onFhirBase(event.target.value)}
            />
          </div>
          <button type="submit">Sign in with SMART</button>
        </form>
      )}
      {auth.status === 'signed-in' && launch && (
        <>
          {launch.missingScopes.length > 0 && (
            <p role="alert">
              The server granted less than asked; missing: {launch.missingScopes.join(', ')}
            </p>
          )}
          {launch.needPatientBanner && <PatientBanner />}
          <Observations />
          <button type="button" onClick={() => void auth.logout()}>
            Sign out of SMART
          </button>
        </>
      )}
    </>
  )
}

/**
 * SMART App Launch (standalone patient launch) against the mock's FHIR base, or any FHIR base
 * typed in: the patient banner and the observations come from the launch context.
 */
export function SmartPanel() {
  const id = useId()
  const [fhirBase, setFhirBase] = useState(currentFhirBase)
  // The client of the base the tab signed in to; a base typed in gets its own on submit.
  const active = currentFhirBase()
  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>SMART App Launch</h2>
      <p className="explain">
        SMART App Launch (v2), standalone patient launch: given only a FHIR base URL, the client
        reads its <code>smart-configuration</code>, signs in with PKCE and <code>aud</code>, and
        asks for <code>launch/patient</code> and <code>{smartConfig.scopes.join(' ')}</code>.
      </p>
      <AuthProvider client={smartClientFor(active)} fhirBaseUrl={active}>
        <SmartSession fhirBase={fhirBase} onFhirBase={setFhirBase} />
      </AuthProvider>
    </section>
  )
}
