import { createLoginClient, type LoginClient, LoginError } from '@oauth-connect/core/login'
import { type AuthServer, createTestClient, startAuthServer } from '@oauth-connect/testing'
import { keepPreviousData, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen, waitFor } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthProvider } from './AuthProvider.tsx'
import { type AuthQueryOptions, authQueryKeys } from './authQueries.ts'
import { ResourceError } from './errors.ts'
import { type FhirBundle, isFhirPatient } from './fhir.ts'
import { useAuth } from './useAuth.ts'
import { useAuthCallback } from './useAuthCallback.ts'
import { useAuthorizedQuery } from './useAuthorizedQuery.ts'
import { useFhirQuery } from './useFhirQuery.ts'

let server: AuthServer
let client: LoginClient
let navigations: URL[]
let queryClient: QueryClient

beforeEach(async () => {
  sessionStorage.clear()
  history.replaceState(null, '', '/records')
  navigations = []
  server = await startAuthServer()
  client = createTestClient(server, navigations)
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

function Status() {
  const { status, claims, error } = useAuth()
  return (
    <p>
      {status} {typeof claims?.name === 'string' ? claims.name : ''}{' '}
      {error ? `${error.code}: ${error.description ?? ''}` : ''}
    </p>
  )
}

function Callback() {
  const result = useAuthCallback()
  if (result.status === 'success') return <p>back to {result.returnTo}</p>
  if (result.status === 'error') return <p role="alert">failed: {result.error.message}</p>
  return <p>finishing sign-in</p>
}

function LoginButton() {
  const { login } = useAuth()
  return (
    <button type="button" onClick={() => void login({ returnTo: '/records' })}>
      Sign in
    </button>
  )
}

function LogoutButton() {
  const { logout } = useAuth()
  return (
    <button type="button" onClick={() => void logout()}>
      Sign out
    </button>
  )
}

function Patients() {
  const query = useFhirQuery('Patient', { name: 'amy', _count: 10 })
  if (query.isError) return <p role="alert">{query.error.message}</p>
  if (!query.data) return <p>no data</p>
  return <p>bundle with {query.data.entry?.length ?? 0} entries</p>
}

function Raw({ url, onError }: { url: string; onError: (error: Error) => void }) {
  const query = useAuthorizedQuery(['raw'], url)
  if (query.error) onError(query.error)
  return null
}

function Bad() {
  useFhirQuery('../admin')
  return null
}

/** Runs a login through the test server; the tab is left at the callback URL. */
async function arriveAtCallback(): Promise<URL> {
  await client.login({ returnTo: '/records?tab=labs' })
  const authorizationUrl = navigations.at(-1)
  if (!authorizationUrl) throw new Error('login did not navigate')
  const callback = server.approve(authorizationUrl)
  history.replaceState(null, '', callback)
  return callback
}

const tokenRequests = () => server.requests.filter((r) => r.path === '/oauth2/token')

/** The patient's name as rendered, recorded on every render. */
function PatientName({
  renders,
  options = {},
}: {
  renders: string[]
  options?: AuthQueryOptions<FhirBundle>
}) {
  const { data } = useFhirQuery('Patient', {}, options)
  const patient = data?.entry?.[0]?.resource
  const text = isFhirPatient(patient) ? (patient.name?.[0]?.text ?? '?') : 'no patient'
  renders.push(text)
  return <p>patient: {text}</p>
}

/** A sign-in button that keeps the rejections. */
function TryLogin({ rejected }: { rejected: unknown[] }) {
  const { login } = useAuth()
  return (
    <button type="button" onClick={() => login().catch((error) => rejected.push(error))}>
      Try
    </button>
  )
}

/** The patient ids, through `select`, with `enabled` and `staleTime` passed through. */
function Names({ enabled }: { enabled: boolean | undefined }) {
  const query = useFhirQuery(
    'Patient',
    { _count: 1 },
    {
      enabled,
      staleTime: Number.POSITIVE_INFINITY,
      select: (bundle) => bundle.entry?.map((entry) => entry.resource?.id).join(','),
    },
  )
  return <p>ids: {query.data ?? 'none'}</p>
}

/** Signs `sub` in through the test server, the whole redirect round trip. */
async function signInAs(sub: string) {
  await client.login({ returnTo: '/records' })
  const authorizationUrl = navigations.at(-1)
  if (!authorizationUrl) throw new Error('login did not navigate')
  await client.handleCallback(server.approve(authorizationUrl, sub))
}

describe('useAuth', () => {
  it('should throw a clear error outside an AuthProvider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<Status />)).toThrow(/inside <AuthProvider client=\{…\}>/)
  })

  it('should start signed out and sign in with login()', async () => {
    render(
      <Providers>
        <Status />
        <LoginButton />
      </Providers>,
    )
    expect(screen.getByText(/signed-out/)).toBeTruthy()
    await act(async () => {
      screen.getByRole('button', { name: 'Sign in' }).click()
    })
    await waitFor(() => expect(navigations).toHaveLength(1))
    expect(navigations[0]?.searchParams.get('code_challenge_method')).toBe('S256')
  })
})

describe('useAuth failures', () => {
  it('should report the typed error when sign-in fails, for developers', async () => {
    server.fault('/.well-known/openid-configuration', { status: 500 })
    server.fault('/.well-known/oauth-authorization-server', { status: 500 })
    const rejected: unknown[] = []
    render(
      <Providers>
        <Status />
        <TryLogin rejected={rejected} />
      </Providers>,
    )
    await act(async () => {
      screen.getByRole('button', { name: 'Try' }).click()
    })
    expect((await screen.findByText(/^error/)).textContent).toContain('discovery_failed')
    expect(rejected).toEqual([expect.objectContaining({ code: 'discovery_failed' })])
    expect(navigations).toEqual([])
  })
})

describe('useAuthCallback', () => {
  it('[SEC-8] exchanges the code once under StrictMode and reports the return path', async () => {
    await arriveAtCallback()
    render(
      <Providers>
        <Callback />
        <Status />
      </Providers>,
    )
    expect(await screen.findByText('back to /records?tab=labs')).toBeTruthy()
    expect(screen.getByText(/signed-in Amy V\. Shaw/)).toBeTruthy()
    expect(tokenRequests()).toHaveLength(1)
    expect(location.search).toBe('')
  })

  it('[SEC-8] sends no token request when the callback page is loaded again', async () => {
    const callback = await arriveAtCallback()
    const first = render(
      <Providers>
        <Callback />
      </Providers>,
    )
    await screen.findByText('back to /records?tab=labs')
    first.unmount()
    // A reload: same URL, a new client in the same tab.
    client.close()
    client = createLoginClient(
      { issuer: server.issuer },
      {
        clientId: server.clientId,
        redirectUri: `${location.origin}/callback`,
        scope: 'openid',
        allowInsecureLoopback: true,
      },
    )
    history.replaceState(null, '', callback)
    render(
      <Providers>
        <Callback />
      </Providers>,
    )
    expect((await screen.findByRole('alert')).textContent).toBe(
      'failed: no sign-in attempt is stored for this callback',
    )
    expect(tokenRequests()).toHaveLength(1)
  })

  it('[SEC-21] shows a denial with its description as text', async () => {
    const callback = await arriveAtCallback()
    callback.searchParams.delete('code')
    callback.searchParams.set('error', 'access_denied')
    callback.searchParams.set('error_description', '<b>no</b>')
    history.replaceState(null, '', callback)
    render(
      <Providers>
        <Callback />
        <Status />
      </Providers>,
    )
    await screen.findByRole('alert')
    expect(screen.getByText(/^error/).textContent).toContain('denied: <b>no</b>')
    expect(document.querySelector('b')).toBeNull()
    expect(tokenRequests()).toEqual([])
  })
})

describe('query hooks', () => {
  it('should not request anything while signed out', async () => {
    render(
      <Providers>
        <Patients />
      </Providers>,
    )
    expect(screen.getByText('no data')).toBeTruthy()
    await act(async () => {})
    expect(server.log()).toEqual([])
  })

  it('[SEC-12] searches FHIR with the bearer and Accept: application/fhir+json', async () => {
    await arriveAtCallback()
    await client.handleCallback()
    render(
      <Providers>
        <Patients />
      </Providers>,
    )
    expect(await screen.findByText('bundle with 1 entries')).toBeTruthy()
    const [request] = server.requests.filter((r) => r.path === '/fhir/Patient')
    expect(request?.headers.authorization).toBe('Bearer at-2')
    expect(request?.headers.accept).toBe('application/fhir+json')
    expect(server.requests.filter((r) => r.path === '/fhir/Patient')).toHaveLength(1)
  })

  it('should report a non-Bundle body and an HTTP error as ResourceError', async () => {
    await arriveAtCallback()
    await client.handleCallback()
    server.fault('/fhir/Patient', { status: 200, body: '{"resourceType":"Patient"}' })
    const errors: unknown[] = []
    server.fault('/fhir/Observation', { status: 500, body: 'oops' })
    render(
      <Providers>
        <Patients />
        <Raw url={`${server.fhirBase}/Observation`} onError={(error) => errors.push(error)} />
      </Providers>,
    )
    expect((await screen.findByRole('alert')).textContent).toContain('did not answer a FHIR Bundle')
    await waitFor(() => expect(errors.length).toBeGreaterThan(0))
    expect(errors[0]).toBeInstanceOf(ResourceError)
    expect(errors[0]).toMatchObject({ code: 'http_error', status: 500 })
  })

  it('should refuse a resource type that could change the path', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() =>
      render(
        <Providers>
          <Bad />
        </Providers>,
      ),
    ).toThrow(/"resourceType"/)
  })
})

describe('users who follow each other', () => {
  it("[SEC-27] never shows the last user's patient to the next, not even while it loads", async () => {
    await signInAs('amy.shaw')
    const renders: string[] = []
    render(
      <Providers>
        <Status />
        <PatientName renders={renders} />
      </Providers>,
    )
    expect(await screen.findByText('patient: Amy V. Shaw')).toBeTruthy()
    await act(() => client.logout())
    const afterAmy = renders.length
    expect(screen.getByText(/signed-out/)).toBeTruthy()
    // James signs in in the same tab; his Patient answers slowly.
    const held = server.hold('/fhir/Patient')
    await act(() => signInAs('james.chalmers'))
    await held.reached
    expect(screen.getByText(/signed-in james\.chalmers/)).toBeTruthy()
    expect(screen.getByText('patient: no patient')).toBeTruthy()
    await act(async () => held.release())
    expect(await screen.findByText('patient: james.chalmers')).toBeTruthy()
    expect(renders.slice(afterAmy)).not.toContain('Amy V. Shaw')
    expect(renders.slice(afterAmy).length).toBeGreaterThan(0)
  })

  it("[SEC-27] keeps no entry of the last user's queries after sign-out", async () => {
    await signInAs('amy.shaw')
    const renders: string[] = []
    const { rerender } = render(
      <Providers>
        <PatientName renders={renders} />
      </Providers>,
    )
    await screen.findByText('patient: Amy V. Shaw')
    expect(
      queryClient.getQueryData(authQueryKeys.fhir('amy.shaw', server.fhirBase, 'Patient', {})),
    ).toMatchObject({ resourceType: 'Bundle' })
    // The patient view goes away (as the demo's does); its query stays cached until sign-out.
    rerender(<Providers>{null}</Providers>)
    expect(queryClient.getQueryCache().findAll({ queryKey: authQueryKeys.all })).toHaveLength(1)
    await act(() => client.logout())
    expect(queryClient.getQueryCache().findAll({ queryKey: authQueryKeys.all })).toEqual([])
  })

  it("[SEC-27] never uses the last user's data as placeholderData for the next", async () => {
    await signInAs('amy.shaw')
    const renders: string[] = []
    render(
      <Providers>
        <PatientName renders={renders} options={{ placeholderData: keepPreviousData }} />
      </Providers>,
    )
    await screen.findByText('patient: Amy V. Shaw')
    await act(() => client.logout())
    const afterAmy = renders.length
    const held = server.hold('/fhir/Patient')
    await act(() => signInAs('james.chalmers'))
    await held.reached
    await act(async () => held.release())
    expect(await screen.findByText('patient: james.chalmers')).toBeTruthy()
    expect(renders.slice(afterAmy)).not.toContain('Amy V. Shaw')
  })
})

describe('query options', () => {
  it('should pass select, enabled and the other TanStack options through', async () => {
    await signInAs('amy.shaw')
    const { rerender } = render(
      <Providers>
        <Names enabled={false} />
      </Providers>,
    )
    await act(async () => {})
    expect(server.requests.filter((r) => r.path === '/fhir/Patient')).toEqual([])
    rerender(
      <Providers>
        <Names enabled={undefined} />
      </Providers>,
    )
    expect(await screen.findByText('ids: amy.shaw')).toBeTruthy()
    expect(
      queryClient.getQueryState(
        authQueryKeys.fhir('amy.shaw', server.fhirBase, 'Patient', { _count: 1 }),
      )?.status,
    ).toBe('success')
  })

  it('should not retry a 4xx by default, and keep its OperationOutcome', async () => {
    queryClient = new QueryClient()
    await signInAs('amy.shaw')
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'no access' }],
    }
    server.fault('/fhir/Patient', { status: 403, body: JSON.stringify(outcome) })
    const errors: unknown[] = []
    render(
      <Providers>
        <Raw url={`${server.fhirBase}/Patient`} onError={(error) => errors.push(error)} />
      </Providers>,
    )
    await waitFor(() => expect(errors.length).toBeGreaterThan(0))
    expect(errors[0]).toMatchObject({ code: 'http_error', status: 403, outcome })
    expect(server.requests.filter((r) => r.path === '/fhir/Patient')).toHaveLength(1)
  })

  it('should retry a 5xx by default', async () => {
    queryClient = new QueryClient()
    await signInAs('amy.shaw')
    server.fault('/fhir/Patient', { status: 503, body: 'busy' })
    server.fault('/fhir/Patient', { status: 503, body: 'busy' })
    render(
      <Providers>
        <PatientName renders={[]} options={{ retryDelay: 0 }} />
      </Providers>,
    )
    expect(await screen.findByText('patient: Amy V. Shaw')).toBeTruthy()
    expect(server.requests.filter((r) => r.path === '/fhir/Patient')).toHaveLength(3)
  })
})

describe('logout', () => {
  it('should sign out through useAuth and revoke the refresh token', async () => {
    await arriveAtCallback()
    await client.handleCallback()
    render(
      <Providers>
        <Status />
        <LogoutButton />
      </Providers>,
    )
    expect(screen.getByText(/signed-in/)).toBeTruthy()
    await act(async () => {
      screen.getByRole('button', { name: 'Sign out' }).click()
    })
    await waitFor(() => expect(server.log()).toContain('POST /oauth2/revoke'))
    expect(screen.getByText(/signed-out/)).toBeTruthy()
    await expect(client.getAccessToken()).rejects.toBeInstanceOf(LoginError)
  })
})
