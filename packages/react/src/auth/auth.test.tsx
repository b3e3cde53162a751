import { createLoginClient, type LoginClient, LoginError } from '@oauth-connect/core/login'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen, waitFor } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type AuthServer, startAuthServer } from '../../../core/src/login/test/authServer.ts'
import { createTestClient } from '../../../core/src/login/test/testClient.ts'
import { AuthProvider } from './AuthProvider.tsx'
import { ResourceError } from './errors.ts'
import { useAuth } from './useAuth.ts'
import { useAuthCallback } from './useAuthCallback.ts'
import { useAuthorizedQuery } from './useAuthorizedQuery.ts'
import { useFhirQuery } from './useFhirQuery.ts'

let server: AuthServer
let client: LoginClient
let navigations: URL[]

beforeEach(async () => {
  sessionStorage.clear()
  history.replaceState(null, '', '/records')
  navigations = []
  server = await startAuthServer()
  client = createTestClient(server, navigations)
})

afterEach(async () => {
  client.close()
  await server.close()
})

function Providers({ children }: { children: ReactNode }) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
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
    expect(await screen.findByText('bundle with 0 entries')).toBeTruthy()
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

describe('logout', () => {
  it('[SEC-13] signs out through useAuth and revokes the refresh token', async () => {
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
