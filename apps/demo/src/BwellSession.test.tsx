import type { AuthSnapshot, LoginClient } from '@oauth-connect/core/login'
import { AuthProvider } from '@oauth-connect/react'
import { useBwell } from '@oauth-connect/react/bwell'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BwellSession } from './BwellSession.tsx'
import { bwellClientFor } from './bwell.ts'
import { eventLog } from './eventLog.ts'
import { setLatestOutcome, useLatestOutcome } from './latestOutcome.ts'
import { defaultSettings } from './settings.ts'

/** A login client whose sign-in state the test sets; the b.well session only reads that state. */
function loginClientWith(initial: AuthSnapshot) {
  let snapshot = initial
  const listeners = new Set<() => void>()
  const fail = () => Promise.reject(new Error('not used by this test'))
  const client: LoginClient = {
    login: fail,
    handleCallback: fail,
    getAccessToken: fail,
    getIdToken: fail,
    fetch: fail,
    logout: fail,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => snapshot,
    close: () => {},
  }
  return {
    client,
    set(next: AuthSnapshot) {
      snapshot = next
      for (const listener of [...listeners]) listener()
    },
  }
}

const signedIn = (sub: string): AuthSnapshot => ({
  status: 'signed-in',
  claims: { sub, iss: 'http://127.0.0.1:4002', aud: 'oauth-connect-demo', exp: 0, iat: 0 },
  error: undefined,
})
const signedOut: AuthSnapshot = { status: 'signed-out', claims: undefined, error: undefined }

function Probe() {
  const { user } = useBwell()
  const latest = useLatestOutcome()
  return (
    <p>
      user {user ?? 'none'}, latest {latest?.sourceName ?? 'none'}
    </p>
  )
}

function renderSession(initial: AuthSnapshot) {
  const login = loginClientWith(initial)
  const getIdentityToken = () => Promise.reject(new Error('no b.well call in this test'))
  render(
    <StrictMode>
      <QueryClientProvider client={new QueryClient()}>
        <AuthProvider client={login.client}>
          <BwellSession settings={defaultSettings} getIdentityToken={getIdentityToken}>
            <Probe />
          </BwellSession>
        </AuthProvider>
      </QueryClientProvider>
    </StrictMode>,
  )
  return { login, getIdentityToken }
}

const outcome = {
  status: 'success',
  statusCode: 'success',
  channel: 'message',
  attemptId: 'a',
  connectionId: 'epic-sandbox',
  elapsedMs: 1,
} as const

describe('BwellSession', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    eventLog.clear()
  })

  it("should drop every client key's b.well session and the demo's attempt records when the user signs out", () => {
    const { login, getIdentityToken } = renderSession(signedIn('amy.shaw'))
    const hosted = vi.spyOn(bwellClientFor('hosted', getIdentityToken), 'signOut')
    const custom = vi.spyOn(bwellClientFor('custom', getIdentityToken), 'signOut')
    act(() => {
      setLatestOutcome({ sourceName: 'Epic Sandbox Health', outcome })
      eventLog.record('a', 'Epic Sandbox Health', { type: 'opened', at: 1 })
    })
    expect(screen.getByText('user amy.shaw, latest Epic Sandbox Health')).toBeTruthy()

    act(() => login.set(signedOut))
    expect(screen.getByText('user none, latest none')).toBeTruthy()
    expect(eventLog.getSnapshot()).toEqual([])
    expect(hosted).toHaveBeenCalled()
    expect(custom).toHaveBeenCalled()
  })

  it('should keep what a redirect-mode callback recorded when the user signs in from nobody', () => {
    const { login } = renderSession(signedOut)
    act(() => setLatestOutcome({ sourceName: 'Epic Sandbox Health', outcome }))
    act(() => login.set(signedIn('amy.shaw')))
    expect(screen.getByText('user amy.shaw, latest Epic Sandbox Health')).toBeTruthy()
  })

  it('should drop the previous user’s records when another user takes over', () => {
    const { login } = renderSession(signedIn('amy.shaw'))
    act(() => setLatestOutcome({ sourceName: 'Epic Sandbox Health', outcome }))
    act(() => login.set(signedIn('casey.lin')))
    expect(screen.getByText('user casey.lin, latest none')).toBeTruthy()
  })
})
