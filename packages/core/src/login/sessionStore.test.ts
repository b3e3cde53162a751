import { afterEach, describe, expect, it, vi } from 'vitest'
import * as env from './env.ts'
import type { Session } from './session.ts'
import { createSessionState } from './sessionState.ts'
import { ASK_WAIT_MS, REMOTE_REFRESH_WAIT_MS, sessionStore } from './sessionStore.ts'
import type { TabMessage } from './tabSync.ts'

const session = (accessToken: string, expiresAt?: number, sub = 'amy'): Session => ({
  accessToken,
  expiresAt,
  refreshToken: 'rt',
  idToken: undefined,
  claims: expiresAt === undefined ? undefined : { iss: 'https://as.example', sub },
})

let restore = () => {}
afterEach(() => {
  restore()
  vi.useRealTimers()
  sessionStorage.clear()
})

describe('sessionStore.share', () => {
  it("adopts another tab's new or refreshed session, and ignores a malformed one", () => {
    const state = createSessionState(sessionStore, 'k')
    const shared = sessionStore.share(state, () => {}, 'lock')
    const epoch = state.epoch()
    shared.receive({ type: 'session', session: { accessToken: 42 } })
    expect(state.session()).toBeUndefined()
    shared.receive({ type: 'signed-in', session: session('at-1') })
    expect(state.session()?.accessToken).toBe('at-1')
    expect(() => epoch()).toThrow('session changed')
    const signedIn = state.epoch()
    shared.receive({ type: 'session', session: session('at-2') })
    expect(state.session()?.accessToken).toBe('at-2')
    expect(() => signedIn()).not.toThrow()
    expect(sessionStorage.getItem('k')).toContain('at-2')
  })

  it("[SEC-14] runs a refresh under the tabs' lock, after the refresh another tab announced", async () => {
    const locks: string[] = []
    restore = env.setLoginEnv({
      lock(name, task) {
        locks.push(name)
        return task()
      },
    })
    const posted: TabMessage[] = []
    const shared = sessionStore.share(
      createSessionState(undefined, 'k'),
      (m) => posted.push(m),
      'tabs',
    )
    shared.receive({ type: 'refreshing' })
    let ran = false
    const run = shared.run(async () => {
      ran = true
      return 'done'
    })
    await Promise.resolve()
    await Promise.resolve()
    expect(locks).toEqual(['tabs'])
    expect(ran).toBe(false)
    shared.receive({ type: 'idle' })
    expect(await run).toBe('done')
    expect(ran).toBe(true)
    shared.post({ type: 'idle' })
    expect(posted).toEqual([{ type: 'idle' }])
  })

  it('stops waiting for a silent tab after REMOTE_REFRESH_WAIT_MS, and end() cancels the wait', async () => {
    vi.useFakeTimers()
    const shared = sessionStore.share(createSessionState(undefined, 'k'), () => {}, 'tabs')
    shared.receive({ type: 'refreshing' })
    let ran = false
    const run = shared.run(async () => {
      ran = true
    })
    await vi.advanceTimersByTimeAsync(REMOTE_REFRESH_WAIT_MS - 1)
    expect(ran).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await run
    expect(ran).toBe(true)
    shared.receive({ type: 'refreshing' })
    shared.end()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('sessionStore.share: a tab that starts with a stored session', () => {
  it("answers another tab's ask with its session", () => {
    const posted: TabMessage[] = []
    const state = createSessionState(undefined, 'k')
    const shared = sessionStore.share(state, (m) => posted.push(m), 'tabs')
    shared.receive({ type: 'ask' })
    expect(posted).toEqual([])
    state.renew(session('at-1', 1000))
    shared.receive({ type: 'ask' })
    expect(posted).toEqual([{ type: 'current', session: session('at-1', 1000) }])
  })

  it('adopts only a later session of the same user, and asks once before its first refresh', async () => {
    sessionStorage.setItem('k', JSON.stringify(session('at-old', 1000)))
    const state = createSessionState(sessionStore, 'k')
    const posted: TabMessage[] = []
    let elapse = () => {}
    restore = env.setLoginEnv({
      timeout(callback) {
        elapse = callback
        return () => {}
      },
    })
    const shared = sessionStore.share(state, (m) => posted.push(m), 'tabs')
    const first = shared.run(async () => state.session()?.accessToken)
    await Promise.resolve()
    await Promise.resolve()
    expect(posted).toEqual([{ type: 'ask' }])
    shared.receive({ type: 'current', session: session('at-other-user', 5000, 'ben') })
    shared.receive({ type: 'current', session: session('at-older', 500) })
    shared.receive({ type: 'current', session: session('at-no-expiry') })
    expect(state.session()?.accessToken).toBe('at-old')
    shared.receive({ type: 'current', session: session('at-new', 2000) })
    expect(state.session()?.accessToken).toBe('at-new')
    elapse()
    expect(await first).toBe('at-new')
    expect(await shared.run(async () => 'again')).toBe('again')
    expect(posted).toEqual([{ type: 'ask' }])
  })

  it('stops listening at end(), so a closed client holds no lock', async () => {
    sessionStorage.setItem('k', JSON.stringify(session('at-old', 1000)))
    vi.useFakeTimers()
    const shared = sessionStore.share(createSessionState(sessionStore, 'k'), () => {}, 'tabs')
    const run = shared.run(async () => 'ran')
    await vi.advanceTimersByTimeAsync(ASK_WAIT_MS - 1)
    shared.end()
    expect(await run).toBe('ran')
    expect(vi.getTimerCount()).toBe(0)
  })
})
