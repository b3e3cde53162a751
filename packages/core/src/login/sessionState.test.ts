import { describe, expect, it } from 'vitest'
import { LoginError } from './errors.ts'
import type { Session } from './session.ts'
import { createSessionState } from './sessionState.ts'
import { type SessionStore, sessionStore } from './sessionStore.ts'

const session = (accessToken: string): Session => ({
  accessToken,
  expiresAt: undefined,
  refreshToken: 'rt',
  idToken: undefined,
  claims: { iss: 'https://as.example', sub: 'amy' },
})

const changed = (check: () => void) => {
  try {
    check()
    return undefined
  } catch (error) {
    return error
  }
}

describe('createSessionState', () => {
  it('publishes a new snapshot on each change, and the same object until then', () => {
    const state = createSessionState(undefined, 'k')
    const seen: string[] = []
    const unsubscribe = state.subscribe(() => seen.push(state.getSnapshot().status))
    const first = state.getSnapshot()
    expect(first).toEqual({
      status: 'signed-out',
      claims: undefined,
      context: undefined,
      error: undefined,
    })
    expect(state.getSnapshot()).toBe(first)
    state.renew(session('at-1'))
    expect(state.getSnapshot()).toMatchObject({ status: 'signed-in', claims: { sub: 'amy' } })
    unsubscribe()
    state.renew(undefined)
    expect(seen).toEqual(['signed-in'])
  })

  it('ends an epoch at every sign-in and sign-out, never at a refresh', () => {
    const state = createSessionState(undefined, 'k')
    const epoch = state.epoch()
    state.renew(session('at-1'))
    const cause = new Error('late answer')
    const error = changed(() => epoch(cause))
    expect(error).toBeInstanceOf(LoginError)
    expect((error as LoginError).code).toBe('session_changed')
    expect((error as LoginError).cause).toBe(cause)
    const signedIn = state.epoch()
    state.set(session('at-2'))
    expect(changed(signedIn)).toBeUndefined()
    state.renew(undefined)
    expect(changed(signedIn)).toBeInstanceOf(LoginError)
  })

  it('reports a failure without signing out, and not at all once the epoch ended', () => {
    const state = createSessionState(undefined, 'k')
    const failure = new LoginError('denied', 'denied')
    state.fail(failure, state.epoch())
    expect(state.getSnapshot()).toMatchObject({ status: 'error', error: failure })
    state.renew(session('at-1'))
    state.fail(failure, state.epoch())
    expect(state.getSnapshot()).toMatchObject({ status: 'signed-in', error: failure })
    const stale = state.epoch()
    state.renew(undefined)
    state.fail(new LoginError('denied', 'late'), stale)
    expect(state.getSnapshot()).toMatchObject({ status: 'signed-out', error: undefined })
  })

  it('reads the stored session at creation and writes every change to the store', () => {
    sessionStorage.clear()
    const store: SessionStore = sessionStore
    createSessionState(store, 'k').renew(session('at-1'))
    const again = createSessionState(store, 'k')
    expect(again.session()?.accessToken).toBe('at-1')
    again.renew(undefined)
    expect(sessionStorage.getItem('k')).toBeNull()
    expect(createSessionState(store, 'k').session()).toBeUndefined()
  })
})
