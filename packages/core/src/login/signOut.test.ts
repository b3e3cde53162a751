import type { AuthorizationServer } from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { LoginError } from './errors.ts'
import type { LoginClientOptions } from './loginClient.ts'
import type { Session } from './session.ts'
import { createLogout } from './signOut.ts'

const as: AuthorizationServer = {
  issuer: 'https://as.example',
  revocation_endpoint: 'https://as.example/revoke',
  end_session_endpoint: 'https://as.example/session/end',
}
const options: LoginClientOptions = {
  clientId: 'app',
  redirectUri: 'https://app.example/callback',
  scope: 'openid',
  postLogoutRedirectUri: 'https://app.example/bye',
}
const previous: Session = {
  accessToken: 'at',
  expiresAt: undefined,
  refreshToken: 'rt',
  idToken: 'id-token',
  claims: undefined,
}

function setup(
  server: AuthorizationServer | Error = as,
  revoke: () => Promise<unknown> = async () => undefined,
) {
  const steps: string[] = []
  const navigations: URL[] = []
  const logout = createLogout(
    options,
    false,
    () => {
      steps.push('local')
      return previous
    },
    async () => {
      steps.push('metadata')
      if (server instanceof Error) throw server
      return server
    },
    async (_, refreshToken) => {
      steps.push(`revoke ${refreshToken}`)
      return revoke()
    },
    (url) => navigations.push(url),
  )
  return { logout, steps, navigations }
}

describe('createLogout', () => {
  it('signs out locally first, then revokes the refresh token', async () => {
    const { logout, steps, navigations } = setup()
    await logout()
    expect(steps).toEqual(['local', 'metadata', 'revoke rt'])
    expect(navigations).toEqual([])
  })

  it('ignores a failed revocation and a server without a revocation endpoint', async () => {
    const failing = setup(as, async () => {
      throw new LoginError('network_error', 'offline')
    })
    await expect(failing.logout()).resolves.toBeUndefined()
    const noRevocation = setup({ issuer: as.issuer })
    await noRevocation.logout()
    expect(noRevocation.steps).toEqual(['local', 'metadata'])
  })

  it('ends the server session with the ID token hint and the checked return address', async () => {
    const { logout, navigations } = setup()
    await logout({ endSession: true })
    expect(navigations.map(String)).toEqual([
      'https://as.example/session/end?client_id=app&id_token_hint=id-token&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fbye',
    ])
  })

  it('rejects end_session_unsupported after the local sign-out, and a discovery failure only with endSession', async () => {
    const unsupported = setup({ issuer: as.issuer })
    await expect(unsupported.logout({ endSession: true })).rejects.toMatchObject({
      code: 'end_session_unsupported',
    })
    expect(unsupported.steps[0]).toBe('local')
    const down = new LoginError('discovery_failed', 'down')
    await expect(setup(down).logout()).resolves.toBeUndefined()
    await expect(setup(down).logout({ endSession: true })).rejects.toBe(down)
  })

  it('refuses a postLogoutRedirectUri that is not https at creation', () => {
    expect(() =>
      createLogout(
        { ...options, postLogoutRedirectUri: 'http://app.example/bye' },
        false,
        () => undefined,
        async () => as,
        async () => undefined,
        () => {},
      ),
    ).toThrow(InvalidArgumentError)
  })
})
