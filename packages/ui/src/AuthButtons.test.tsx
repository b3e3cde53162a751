import { type LoginClient, LoginError } from '@oauth-connect/core/login'
import { AuthProvider } from '@oauth-connect/react'
import { type AuthServer, createTestClient, startAuthServer } from '@oauth-connect/testing'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import type { ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LoginButton, LogoutButton } from './AuthButtons.tsx'
import { expectAccessible, renderStrict } from './test/connectHarness.tsx'

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

const withAuth = (node: ReactNode) =>
  renderStrict(<AuthProvider client={client}>{node}</AuthProvider>)

/** Signs in for real: login, the server's approval, then the callback. */
async function signIn() {
  await client.login()
  const authorizationUrl = navigations.at(-1)
  if (!authorizationUrl) throw new Error('login did not navigate')
  history.replaceState(null, '', server.approve(authorizationUrl))
  await client.handleCallback()
}

/** Both discovery documents fail, so the next `login` rejects with `discovery_failed`. */
function failDiscovery() {
  server.fault('/.well-known/openid-configuration', { status: 500 })
  server.fault('/.well-known/oauth-authorization-server', { status: 500 })
}

const button = () => screen.getAllByRole('button')[0] as HTMLElement

describe('LoginButton', () => {
  it('should start a sign-in by keyboard, staying focusable and aria-disabled while it starts', async () => {
    const user = userEvent.setup()
    const { container } = withAuth(<LoginButton options={{ returnTo: '/records?tab=labs' }} />)
    const signIn = screen.getByRole('button', { name: 'Sign in' })
    expect(signIn.getAttribute('data-state')).toBe('idle')
    expect(signIn.className).toBe('oc-button')
    await expectAccessible(container)
    await user.tab()
    expect(document.activeElement).toBe(signIn)
    act(() => {
      fireEvent.click(signIn)
    })
    expect(signIn.textContent).toBe('Signing in…')
    expect(signIn.getAttribute('aria-disabled')).toBe('true')
    expect(signIn.getAttribute('data-pending')).toBe('true')
    expect(document.activeElement).toBe(signIn)
    await waitFor(() => expect(navigations).toHaveLength(1))
    expect(navigations[0]?.searchParams.get('code_challenge_method')).toBe('S256')
    await waitFor(() => expect(signIn.getAttribute('data-state')).toBe('idle'))
  })

  it('should start one sign-in on a double click', async () => {
    const login = vi.spyOn(client, 'login')
    withAuth(<LoginButton />)
    await userEvent.dblClick(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(navigations).toHaveLength(1))
    expect(login).toHaveBeenCalledTimes(1)
    expect(server.log().filter((line) => line.includes('openid-configuration'))).toHaveLength(1)
  })

  it('should announce a failed sign-in as an alert and call onError', async () => {
    failDiscovery()
    const onError = vi.fn()
    const { container } = withAuth(<LoginButton onError={onError} />)
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    const alert = await screen.findByText('Sign-in failed. Please try again.')
    expect(alert.getAttribute('role')).toBe('alert')
    expect(button().getAttribute('data-state')).toBe('error')
    expect(button().getAttribute('aria-describedby')).toBe(alert.id)
    expect(button().hasAttribute('aria-disabled')).toBe(false)
    expect(onError).toHaveBeenCalledWith(expect.any(LoginError))
    expect(screen.getByRole('status').textContent).toBe('')
    // The user reads the generic text; the developer gets the typed error from the state.
    expect(client.getSnapshot()).toMatchObject({
      status: 'error',
      error: { code: 'discovery_failed' },
    })
    expect(alert.textContent).not.toContain('discovery')
    await expectAccessible(container)
  })

  it('should pass prompt and login_hint to the sign-in', async () => {
    withAuth(<LoginButton options={{ prompt: 'login', loginHint: 'amy.shaw', mode: undefined }} />)
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(navigations).toHaveLength(1))
    expect(navigations[0]?.searchParams.get('prompt')).toBe('login')
    expect(navigations[0]?.searchParams.get('login_hint')).toBe('amy.shaw')
  })

  it('should drop the result of a sign-in that settles after unmount', async () => {
    failDiscovery()
    const login = vi.spyOn(client, 'login')
    const onError = vi.fn()
    const error = vi.spyOn(console, 'error')
    const { unmount } = withAuth(<LoginButton onError={onError} />)
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    })
    unmount()
    const pending = login.mock.results[0]?.value as Promise<void>
    await expect(pending).rejects.toBeInstanceOf(LoginError)
    await act(async () => {})
    expect(onError).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })

  it('should read "Signed in" and ignore presses once signed in', async () => {
    await signIn()
    const login = vi.spyOn(client, 'login')
    const { container } = withAuth(<LoginButton />)
    const signedIn = screen.getByRole('button', { name: 'Signed in' })
    expect(signedIn.getAttribute('data-state')).toBe('success')
    expect(signedIn.getAttribute('aria-disabled')).toBe('true')
    await userEvent.click(signedIn)
    expect(login).not.toHaveBeenCalled()
    await expectAccessible(container)
  })

  it('should use overridden messages, children and unstyled', async () => {
    failDiscovery()
    const { container } = withAuth(
      <LoginButton
        unstyled
        className={({ state }) => `login-${state}`}
        messages={{ signInFailed: 'Anmeldung fehlgeschlagen.' }}
      >
        {({ isPending }) => (isPending ? 'Einen Moment…' : 'Anmelden')}
      </LoginButton>,
    )
    await userEvent.click(screen.getByRole('button', { name: 'Anmelden' }))
    expect((await screen.findByText('Anmeldung fehlgeschlagen.')).getAttribute('role')).toBe(
      'alert',
    )
    expect(button().className).toBe('login-error')
    expect(container.querySelector('[class*="oc-"]')).toBeNull()
  })
})

describe('LogoutButton', () => {
  it('should sign out, then read as done and ignore presses', async () => {
    await signIn()
    const user = userEvent.setup()
    const { container } = withAuth(
      <>
        <LoginButton />
        <LogoutButton />
      </>,
    )
    const signOut = screen.getByRole('button', { name: 'Sign out' })
    expect(signOut.getAttribute('data-state')).toBe('idle')
    await expectAccessible(container)
    signOut.focus()
    await user.keyboard('{Enter}')
    await waitFor(() => expect(signOut.getAttribute('data-state')).toBe('success'))
    expect(client.getSnapshot().status).toBe('signed-out')
    expect(signOut.getAttribute('aria-disabled')).toBe('true')
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy()
    const logout = vi.spyOn(client, 'logout')
    await user.click(signOut)
    expect(logout).not.toHaveBeenCalled()
    await expectAccessible(container)
  })

  it('should end the server session with endSession, for a shared device', async () => {
    await signIn()
    withAuth(<LogoutButton options={{ endSession: true }} />)
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    await waitFor(() => expect(navigations).toHaveLength(2))
    const end = navigations[1]
    expect(end?.origin + (end?.pathname ?? '')).toBe(`${server.issuer}/oauth2/session/end`)
    expect(end?.searchParams.get('id_token_hint')).toMatch(/^ey/)
    expect(client.getSnapshot().status).toBe('signed-out')
    expect(server.log()).toContain('POST /oauth2/revoke')
  })

  it('should announce a failed sign-out as an alert', async () => {
    await signIn()
    vi.spyOn(client, 'logout').mockRejectedValueOnce(new Error('offline'))
    const onError = vi.fn()
    withAuth(
      <LogoutButton onError={onError} messages={{ signOutFailed: 'Abmelden ging nicht.' }} />,
    )
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    expect((await screen.findByText('Abmelden ging nicht.')).getAttribute('role')).toBe('alert')
    expect(button().getAttribute('data-state')).toBe('error')
    expect(onError).toHaveBeenCalledWith(new Error('offline'))
  })
})
