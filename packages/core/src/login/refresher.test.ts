import { describe, expect, it } from 'vitest'
import * as env from './env.ts'
import { LoginError } from './errors.ts'
import { createRefresher } from './refresher.ts'
import type { Session } from './session.ts'
import { createSessionState } from './sessionState.ts'
import type { SharedSession } from './sessionStore.ts'
import type { TabMessage } from './tabSync.ts'

const session = (accessToken: string, expiresAt?: number, refreshToken = 'rt'): Session => ({
  accessToken,
  expiresAt,
  refreshToken,
  idToken: undefined,
  claims: undefined,
})

/** A refresher over a real session state; `request` answers what the test says. */
function setup(
  answer: (current: Session) => Promise<Session> = async (c) => session(`${c.accessToken}+`),
) {
  const state = createSessionState(undefined, 'k')
  const requests: string[] = []
  const signOuts: LoginError[] = []
  const fresh = createRefresher(
    state,
    (current, refreshToken) => {
      requests.push(refreshToken)
      return answer(current)
    },
    (error) => {
      signOuts.push(error)
      state.renew(undefined, error)
    },
    undefined,
  )
  return { state, fresh, requests, signOuts }
}

const due = () => env.now() // expires now: inside the 60 s leeway

describe('createRefresher', () => {
  it('returns a fresh session without a request, and refreshes one that is due', async () => {
    const { state, fresh, requests } = setup()
    state.renew(session('at-1', env.now() + 3_600_000))
    expect((await fresh()).accessToken).toBe('at-1')
    state.set(session('at-1', due()))
    expect((await fresh()).accessToken).toBe('at-1+')
    expect(state.session()?.accessToken).toBe('at-1+')
    expect(requests).toEqual(['rt'])
  })

  it('[SEC-14] makes one request for concurrent callers', async () => {
    let release = () => {}
    const { state, fresh, requests } = setup(
      (c) =>
        new Promise((resolve) => {
          release = () => resolve(session(`${c.accessToken}+`, env.now() + 3_600_000))
        }),
    )
    state.renew(session('at-1', due()))
    const calls = [fresh(), fresh(), fresh('at-1')]
    await Promise.resolve()
    release()
    const results = await Promise.all(calls)
    expect(results.map((s) => s.accessToken)).toEqual(['at-1+', 'at-1+', 'at-1+'])
    expect(requests).toEqual(['rt'])
  })

  it('does not refresh again a refused token that was already replaced', async () => {
    const { state, fresh, requests } = setup()
    state.renew(session('at-2', env.now() + 3_600_000))
    expect((await fresh('at-1')).accessToken).toBe('at-2')
    expect((await fresh('at-2')).accessToken).toBe('at-2+')
    expect(requests).toEqual(['rt'])
  })

  it('signs out when there is no refresh token, or the server refuses it', async () => {
    const noToken = setup()
    noToken.state.renew(session('at-1', due(), ''))
    await expect(noToken.fresh()).rejects.toMatchObject({ code: 'not_signed_in' })
    expect(noToken.signOuts.map((e) => e.code)).toEqual(['not_signed_in'])
    expect(noToken.requests).toEqual([])

    const refused = setup(async () => {
      throw new LoginError('invalid_grant', 'refused')
    })
    refused.state.renew(session('at-1', due()))
    await expect(refused.fresh()).rejects.toMatchObject({ code: 'invalid_grant' })
    expect(refused.signOuts.map((e) => e.code)).toEqual(['invalid_grant'])

    const offline = setup(async () => {
      throw new LoginError('network_error', 'offline')
    })
    offline.state.renew(session('at-1', due()))
    await expect(offline.fresh()).rejects.toMatchObject({ code: 'network_error' })
    expect(offline.signOuts).toEqual([])
    expect(offline.state.session()?.accessToken).toBe('at-1')
  })

  it('[SEC-28] discards a refresh answered after a sign-out', async () => {
    let release = () => {}
    const { state, fresh } = setup(
      () =>
        new Promise((resolve) => {
          release = () => resolve(session('at-late'))
        }),
    )
    state.renew(session('at-1', due()))
    const call = fresh()
    await Promise.resolve()
    state.renew(undefined)
    release()
    await expect(call).rejects.toMatchObject({ code: 'session_changed' })
    expect(state.session()).toBeUndefined()
  })

  it('rejects not_signed_in with nobody signed in', async () => {
    await expect(setup().fresh()).rejects.toMatchObject({ code: 'not_signed_in' })
  })

  it("takes the shared tabs' turn and tells them: refreshing, then the session, or idle", async () => {
    const posted: TabMessage[] = []
    let turns = 0
    const shared: SharedSession = {
      run: (task) => {
        turns++
        return task()
      },
      post: (message) => posted.push(message),
      receive: () => {},
      end: () => {},
    }
    const state = createSessionState(undefined, 'k')
    let fail = false
    const fresh = createRefresher(
      state,
      async () => {
        if (fail) throw new LoginError('network_error', 'offline')
        return session('at-2', env.now() + 3_600_000)
      },
      () => {},
      shared,
    )
    state.renew(session('at-1', due()))
    const next = await fresh()
    expect(posted).toEqual([{ type: 'refreshing' }, { type: 'session', session: next }])
    fail = true
    state.set(session('at-2', due()))
    posted.length = 0
    await expect(fresh()).rejects.toMatchObject({ code: 'network_error' })
    expect(posted).toEqual([{ type: 'refreshing' }, { type: 'idle' }])
    expect(turns).toBe(2)
  })
})
