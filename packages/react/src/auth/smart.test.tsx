import { createSmartClient, type SmartClient } from '@oauth-connect/core/smart'
import { type AuthServer, startAuthServer } from '@oauth-connect/testing'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AuthProvider } from './AuthProvider.tsx'
import { isFhirPatient } from './fhir.ts'
import { launchPatient } from './launchPatient.ts'
import { useFhirQuery, useFhirRead } from './useFhirQuery.ts'
import { useLaunchContext } from './useLaunchContext.ts'

let server: AuthServer
let client: SmartClient
let navigations: URL[]
let queryClient: QueryClient
let patientOf: (sub: string) => string | undefined

beforeEach(async () => {
  sessionStorage.clear()
  history.replaceState(null, '', '/chart')
  navigations = []
  patientOf = (sub) => sub.replace('.', '-')
  server = await startAuthServer({
    smart: {
      tokenFields: (grant) => ({ patient: patientOf(grant.sub), need_patient_banner: true }),
    },
  })
  client = createSmartClient(server.fhirBase, {
    clientId: server.clientId,
    redirectUri: `${location.origin}/callback`,
    allowInsecureLoopback: true,
    resourceOrigins: [server.issuer],
    navigate: (url) => navigations.push(url),
  })
  queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
})

afterEach(async () => {
  client.close()
  await server.close()
})

function Providers({ children }: { children: ReactNode }) {
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AuthProvider client={client} fhirBaseUrl={server.fhirBase}>
          {children}
        </AuthProvider>
      </QueryClientProvider>
    </StrictMode>
  )
}

async function signInAs(sub: string) {
  await client.login({ returnTo: '/chart' })
  const authorizationUrl = navigations.at(-1)
  if (!authorizationUrl) throw new Error('login did not navigate')
  await act(async () => {
    await client.handleCallback(server.approve(authorizationUrl, sub))
  })
}

/** The banner: the launch context, and each render's patient recorded. */
function Banner({ renders }: { renders: string[] }) {
  const launch = useLaunchContext()
  renders.push(launch?.patient ?? 'none')
  if (!launch) return <p>no launch</p>
  return (
    <p>
      patient {launch.patient} banner {String(launch.needPatientBanner)} missing{' '}
      {launch.missingScopes.join(',') || 'none'}
    </p>
  )
}

function Observations() {
  const query = useFhirQuery('Observation', { patient: launchPatient, _count: 5 })
  if (query.isError) return <p role="alert">{query.error.message}</p>
  return <p>observations: {query.data ? (query.data.entry?.length ?? 0) : 'waiting'}</p>
}

function LaunchPatientName() {
  const query = useFhirRead('Patient', launchPatient)
  if (query.isError) return <p role="alert">{query.error.message}</p>
  const patient = query.data
  return <p>name: {isFhirPatient(patient) ? (patient.name?.[0]?.text ?? '?') : 'waiting'}</p>
}

function BadRead({ id }: { id: string }) {
  useFhirRead('Patient', id)
  return null
}

describe('SMART launch context in React', () => {
  it('should give the launch context, the same object while the session lasts', async () => {
    const renders: string[] = []
    render(
      <Providers>
        <Banner renders={renders} />
      </Providers>,
    )
    expect(screen.getByText('no launch')).toBeTruthy()
    await signInAs('amy.shaw')
    expect(await screen.findByText('patient amy-shaw banner true missing none')).toBeTruthy()
    const first = client.getLaunchContext()
    expect(first?.patient).toBe('amy-shaw')
    await act(async () => {
      await client.logout()
    })
    expect(screen.getByText('no launch')).toBeTruthy()
    expect(renders.at(-1)).toBe('none')
  })

  it('should wait for a launch patient, then search with it and read it', async () => {
    server.fault('/fhir/Patient/amy-shaw', {
      status: 200,
      body: JSON.stringify({
        resourceType: 'Patient',
        id: 'amy-shaw',
        name: [{ text: 'Amy V. Shaw' }],
      }),
    })
    render(
      <Providers>
        <Observations />
        <LaunchPatientName />
      </Providers>,
    )
    await act(async () => {})
    expect(screen.getByText('observations: waiting')).toBeTruthy()
    expect(server.log()).toEqual([])
    await signInAs('amy.shaw')
    expect(await screen.findByText('observations: 0')).toBeTruthy()
    expect(await screen.findByText('name: Amy V. Shaw')).toBeTruthy()
    const search = server.requests.find((r) => r.path === '/fhir/Observation')
    expect(search?.pageUrl).toBeDefined()
    expect(server.requests.filter((r) => r.path.startsWith('/fhir/')).map((r) => r.path)).toEqual(
      expect.arrayContaining(['/fhir/Observation', '/fhir/Patient/amy-shaw']),
    )
  })

  it('[SEC-27] never shows the last launch patient’s data for the next one', async () => {
    const renders: string[] = []
    render(
      <Providers>
        <Banner renders={renders} />
        <Observations />
      </Providers>,
    )
    await signInAs('amy.shaw')
    expect(await screen.findByText('observations: 0')).toBeTruthy()
    await act(async () => {
      await client.logout()
    })
    // Amy's entries are gone; what is left is the signed-out query, empty and waiting.
    expect(
      queryClient
        .getQueryCache()
        .findAll()
        .map((query) => query.state.data),
    ).toEqual(
      queryClient
        .getQueryCache()
        .findAll()
        .map(() => undefined),
    )
    renders.length = 0
    await signInAs('james.chalmers')
    expect(await screen.findByText('patient james-chalmers banner true missing none')).toBeTruthy()
    expect(renders).not.toContain('amy-shaw')
    expect(await screen.findByText('observations: 0')).toBeTruthy()
  })

  it('should never put a launch patient that is not a FHIR id in a path', async () => {
    patientOf = () => '../admin'
    render(
      <Providers>
        <LaunchPatientName />
      </Providers>,
    )
    // The core refuses the token response; nothing is signed in, nothing is read.
    await expect(signInAs('amy.shaw')).rejects.toMatchObject({ code: 'token_response_invalid' })
    await act(async () => {})
    expect(screen.getByText('name: waiting')).toBeTruthy()
    expect(server.log().filter((line) => line.includes('/fhir/Patient'))).toEqual([])
  })

  it('should refuse an id or a type that would change the path', () => {
    for (const id of ['../admin', 'a/b', '']) {
      expect(() =>
        render(
          <Providers>
            <BadRead id={id} />
          </Providers>,
        ),
      ).toThrow(/"id"/)
    }
  })

  it('should report an answer that is not the resource asked for as invalid_body', async () => {
    server.fault('/fhir/Patient/amy-shaw', {
      status: 200,
      body: JSON.stringify({ resourceType: 'Patient', id: 'james-chalmers' }),
    })
    render(
      <Providers>
        <LaunchPatientName />
      </Providers>,
    )
    await signInAs('amy.shaw')
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /did not answer the Patient asked for/,
    )
  })
})
