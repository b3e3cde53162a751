import { memoryChannel, trackConnectEnv } from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type AttemptRecord, BINDING_KEY } from './attemptRecord.ts'
import { completeConnection } from './completeConnection.ts'

const ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
const OTHER = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
const APP = location.origin

let env: ReturnType<typeof trackConnectEnv>

beforeEach(() => {
  vi.useFakeTimers()
  env = trackConnectEnv({ channel: memoryChannel })
})

afterEach(() => {
  env.restore()
  vi.useRealTimers()
  sessionStorage.clear()
  history.replaceState(null, '', '/')
})

function at(path: string) {
  history.replaceState({ app: 1 }, '', path)
}

function fakeOpener() {
  const calls: [unknown, string][] = []
  vi.stubGlobal('opener', {
    postMessage: (data: unknown, targetOrigin: string) => calls.push([data, targetOrigin]),
  })
  return calls
}

/** What connectProvider leaves in the popup's cloned storage, or in the tab in redirect mode. */
function bound(value: string | AttemptRecord) {
  sessionStorage.setItem(BINDING_KEY, JSON.stringify(value))
}

function listen(attemptId: string) {
  const heard: unknown[] = []
  const channel = memoryChannel(`oauth-connect:${attemptId}`)
  channel.onmessage = (event) => heard.push(event.data)
  return { heard, close: () => channel.close() }
}

const envelope = (attemptId: string, statusCode: string) => ({
  type: 'oauth-connect',
  version: 1,
  attemptId,
  statusCode,
})

describe('completeConnection', () => {
  it('[SEC-3] should post the envelope to the opener with its own origin, never "*"', async () => {
    const calls = fakeOpener()
    const channel = listen(ID)
    bound(ID)
    at('/connect/callback?keep=1&status_code=cancelled#top')
    const result = completeConnection()
    // The page stays open briefly so its messages leave before it closes.
    expect(env.closes.count).toBe(0)
    expect(result).toEqual({ kind: 'popup', attemptId: ID, statusCode: 'cancelled' })
    expect(calls).toEqual([[envelope(ID, 'cancelled'), APP]])
    await vi.advanceTimersByTimeAsync(0)
    expect(channel.heard).toEqual([envelope(ID, 'cancelled')])
    expect(location.pathname + location.search + location.hash).toBe('/connect/callback?keep=1#top')
    expect(history.state).toEqual({ app: 1 })
    await vi.advanceTimersByTimeAsync(100)
    expect(env.closes.count).toBe(1)
    expect(env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
    channel.close()
  })

  it('[SEC-4] should send error for a missing, unknown or repeated status_code', () => {
    for (const query of ['', '?status_code=SUCCESS', '?status_code=success&status_code=success']) {
      const calls = fakeOpener()
      bound(ID)
      at(`/connect/callback${query}`)
      expect(completeConnection()).toEqual({ kind: 'popup', attemptId: ID, statusCode: 'error' })
      expect(calls[0]?.[0]).toMatchObject({ statusCode: 'error' })
    }
  })

  describe('a callback URL registered with the provider', () => {
    it('[SEC-36] should report for the attempt bound to its window, and take the binding', async () => {
      const calls = fakeOpener()
      const mine = listen(ID)
      const other = listen(OTHER)
      bound(ID)
      at('/connect/callback?status_code=success')
      expect(completeConnection()).toEqual({ kind: 'popup', attemptId: ID, statusCode: 'success' })
      await vi.advanceTimersByTimeAsync(0)
      expect(calls).toEqual([[envelope(ID, 'success'), APP]])
      expect(mine.heard).toEqual([envelope(ID, 'success')])
      expect(other.heard).toEqual([])
      expect(sessionStorage.getItem(BINDING_KEY)).toBeNull()
      mine.close()
      other.close()
    })

    it('[SEC-36] should never take the attempt from the URL, which anyone can write', async () => {
      const calls = fakeOpener()
      const named = listen(OTHER)
      bound(ID)
      at(`/connect/callback?attempt=${OTHER}&status_code=success`)
      expect(completeConnection()).toMatchObject({ kind: 'popup', attemptId: ID })
      await vi.advanceTimersByTimeAsync(0)
      expect(named.heard).toEqual([])
      expect(calls[0]?.[0]).toMatchObject({ attemptId: ID })
      expect(location.search).toBe('')
      named.close()
    })

    it('[SEC-36] should do nothing at all when no attempt is bound: no guess, no broadcast', async () => {
      const calls = fakeOpener()
      const named = listen(ID)
      for (const path of [
        '/connect/callback?status_code=success',
        `/connect/callback?attempt=${ID}&status_code=success`,
      ]) {
        at(path)
        expect(completeConnection()).toEqual({ kind: 'none' })
        // The page stays as it is, for an opener that polls it.
        expect(location.pathname + location.search).toBe(path)
      }
      await vi.advanceTimersByTimeAsync(1000)
      expect(calls).toEqual([])
      expect(named.heard).toEqual([])
      expect(env.closes.count).toBe(0)
      named.close()
    })

    it('should treat storage that throws as nothing bound', () => {
      vi.stubGlobal('sessionStorage', {
        getItem() {
          throw new DOMException('denied', 'SecurityError')
        },
      })
      at('/connect/callback?status_code=success')
      expect(completeConnection()).toEqual({ kind: 'none' })
      vi.unstubAllGlobals()
    })
  })

  describe('redirect mode', () => {
    const record = (fields: Partial<AttemptRecord> = {}): AttemptRecord => ({
      attemptId: ID,
      connectionId: 'conn-1',
      returnPath: '/',
      createdAt: Date.now(),
      expiresAt: Date.now() + 1e6,
      ...fields,
    })

    it('should hand over the outcome and the stored return path once', () => {
      vi.stubGlobal('opener', null)
      vi.setSystemTime(10_000)
      bound(record({ returnPath: '/settings?tab=sources', createdAt: 4000, expiresAt: 20_000 }))
      at('/connect/callback?status_code=success')
      expect(completeConnection()).toEqual({
        kind: 'redirect',
        returnPath: '/settings?tab=sources',
        outcome: {
          status: 'success',
          statusCode: 'success',
          channel: 'redirect',
          attemptId: ID,
          connectionId: 'conn-1',
          elapsedMs: 6000,
        },
      })
      expect(sessionStorage.getItem(BINDING_KEY)).toBeNull()
      expect(location.search).toBe('')
      expect(env.closes.count).toBe(0)
      expect(completeConnection()).toEqual({ kind: 'none' })
    })

    it('should report timeout once the record has expired', () => {
      vi.stubGlobal('opener', null)
      bound(record({ createdAt: 0, expiresAt: 1 }))
      at('/connect/callback?status_code=success')
      const result = completeConnection()
      expect(result.kind === 'redirect' && result.outcome.status).toBe('timeout')
    })

    it('[SEC-4] should report an invalid status_code as error', () => {
      vi.stubGlobal('opener', null)
      bound(record())
      at('/connect/callback?status_code=Success')
      const result = completeConnection()
      const outcome = result.kind === 'redirect' ? result.outcome : undefined
      expect(outcome?.status).toBe('error')
      expect(outcome?.status === 'error' && outcome.cause?.code).toBe('invalid_status_code')
    })

    it.each([
      '//evil.test/',
      '/\\evil.test/',
      'https://app@evil.test/',
      'javascript:alert(1)',
      'https://evil.test/',
    ])('[SEC-9] should never return to %s', (returnPath) => {
      vi.stubGlobal('opener', null)
      bound(record({ returnPath }))
      at('/connect/callback?status_code=success')
      const result = completeConnection()
      expect(result.kind === 'redirect' && result.returnPath).toBe('/')
    })

    it('[SEC-9] should ignore a return URL taken from a query parameter', () => {
      vi.stubGlobal('opener', null)
      bound(record({ returnPath: '/home' }))
      at('/connect/callback?status_code=success&returnPath=https://evil.test&next=//evil.test')
      const result = completeConnection()
      expect(result.kind === 'redirect' && result.returnPath).toBe('/home')
    })

    it('should treat a record in a window with an opener as popup mode', () => {
      const calls = fakeOpener()
      bound(record())
      at('/connect/callback?status_code=success')
      expect(completeConnection().kind).toBe('popup')
      expect(calls).toHaveLength(1)
    })
  })
})
