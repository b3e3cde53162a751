import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { completeConnection } from './completeConnection.ts'
import { trackConnectEnv } from './testing.ts'

const ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
const APP = location.origin

let env: ReturnType<typeof trackConnectEnv>

beforeEach(() => {
  env = trackConnectEnv()
})

afterEach(() => {
  env.restore()
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

function store(record: Record<string, unknown>) {
  sessionStorage.setItem(`oauth-connect:${ID}`, JSON.stringify(record))
}

describe('completeConnection', () => {
  it('[SEC-3] should post the envelope to the opener with its own origin, never "*"', async () => {
    const calls = fakeOpener()
    const received = new Promise<unknown>((resolve) => {
      const listener = new BroadcastChannel(`oauth-connect:${ID}`)
      listener.onmessage = (event) => {
        listener.close()
        resolve(event.data)
      }
    })
    at(`/connect/callback?keep=1&attempt=${ID}&status_code=cancelled#top`)
    const result = completeConnection()
    // The page stays open briefly so its messages leave before it closes.
    expect(env.closes.count).toBe(0)
    const envelope = { type: 'oauth-connect', version: 1, attemptId: ID, statusCode: 'cancelled' }
    expect(result).toEqual({ kind: 'popup', attemptId: ID, statusCode: 'cancelled' })
    expect(calls).toEqual([[envelope, APP]])
    expect(calls.every(([, targetOrigin]) => targetOrigin !== '*')).toBe(true)
    expect(await received).toEqual(envelope)
    expect(location.pathname + location.search + location.hash).toBe('/connect/callback?keep=1#top')
    expect(history.state).toEqual({ app: 1 })
    await vi.waitFor(() => expect(env.closes.count).toBe(1))
    expect(env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
  })

  it('[SEC-4] should send error for a missing, unknown or repeated status_code', () => {
    for (const query of ['', '&status_code=SUCCESS', '&status_code=success&status_code=success']) {
      const calls = fakeOpener()
      at(`/connect/callback?attempt=${ID}${query}`)
      const result = completeConnection()
      expect(result).toEqual({ kind: 'popup', attemptId: ID, statusCode: 'error' })
      expect(calls[0]?.[0]).toMatchObject({ statusCode: 'error' })
    }
  })

  it.each([
    '/connect/callback?status_code=success',
    `/connect/callback?attempt=${ID}&attempt=${ID}&status_code=success`,
    '/connect/callback?attempt=%3Cscript%3E&status_code=success',
    `/connect/callback?attempt=${ID.toUpperCase()}&status_code=success`,
  ])('should do nothing without exactly one well-formed attempt (%s)', (path) => {
    const calls = fakeOpener()
    at(path)
    expect(completeConnection()).toEqual({ kind: 'none' })
    expect(calls).toEqual([])
    expect(env.closes.count).toBe(0)
    expect(location.pathname + location.search).toBe(path)
  })

  describe('redirect mode', () => {
    it('should hand over the outcome and the stored return path once', () => {
      vi.stubGlobal('opener', null)
      vi.useFakeTimers({ now: 10_000 })
      store({
        attemptId: ID,
        connectionId: 'conn-1',
        returnPath: '/settings?tab=sources',
        createdAt: 4000,
        expiresAt: 20_000,
      })
      at(`/connect/callback?attempt=${ID}&status_code=success`)
      const result = completeConnection()
      vi.useRealTimers()
      expect(result).toEqual({
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
      expect(sessionStorage.getItem(`oauth-connect:${ID}`)).toBeNull()
      expect(location.search).toBe('')
      expect(env.closes.count).toBe(0)
      expect(completeConnection()).toEqual({ kind: 'none' })
    })

    it('should report timeout once the record has expired', () => {
      vi.stubGlobal('opener', null)
      store({ attemptId: ID, connectionId: 'c', returnPath: '/', createdAt: 0, expiresAt: 1 })
      at(`/connect/callback?attempt=${ID}&status_code=success`)
      const result = completeConnection()
      expect(result.kind === 'redirect' && result.outcome.status).toBe('timeout')
    })

    it('[SEC-4] should report an invalid status_code as error', () => {
      vi.stubGlobal('opener', null)
      store({
        attemptId: ID,
        connectionId: 'c',
        returnPath: '/',
        createdAt: Date.now(),
        expiresAt: Date.now() + 1e6,
      })
      at(`/connect/callback?attempt=${ID}&status_code=Success`)
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
      store({
        attemptId: ID,
        connectionId: 'c',
        returnPath,
        createdAt: Date.now(),
        expiresAt: Date.now() + 1e6,
      })
      at(`/connect/callback?attempt=${ID}&status_code=success`)
      const result = completeConnection()
      expect(result.kind === 'redirect' && result.returnPath).toBe('/')
    })

    it('[SEC-9] should ignore a return URL taken from a query parameter', () => {
      vi.stubGlobal('opener', null)
      store({
        attemptId: ID,
        connectionId: 'c',
        returnPath: '/home',
        createdAt: Date.now(),
        expiresAt: Date.now() + 1e6,
      })
      at(
        `/connect/callback?attempt=${ID}&status_code=success&returnPath=https://evil.test&next=//evil.test`,
      )
      const result = completeConnection()
      expect(result.kind === 'redirect' && result.returnPath).toBe('/home')
    })

    it('should treat a record for another attempt as popup mode', () => {
      const calls = fakeOpener()
      store({
        attemptId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
        connectionId: 'c',
        returnPath: '/',
        createdAt: 0,
        expiresAt: 1e15,
      })
      at(`/connect/callback?attempt=${ID}&status_code=success`)
      expect(completeConnection().kind).toBe('popup')
      expect(calls).toHaveLength(1)
    })
  })
})

describe('targetOrigin', () => {
  it('[SEC-3] should never post with "*" anywhere in the browser packages', async () => {
    const { readdirSync, readFileSync } = await import('node:fs')
    const { fileURLToPath } = await import('node:url')
    const roots = ['../../../core/src', '../../../react/src', '../../../ui/src'].map((path) =>
      fileURLToPath(new URL(path, import.meta.url)),
    )
    const offenders: string[] = []
    let calls = 0
    for (const root of roots) {
      for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
        if (!/\.tsx?$/.test(entry) || /\.test\.tsx?$/.test(entry)) continue
        const source = readFileSync(`${root}/${entry}`, 'utf8')
        for (const match of source.matchAll(/\.postMessage\(([^)]*)\)/g)) {
          calls++
          if (/['"`]\*['"`]/.test(match[1] ?? '')) offenders.push(`${entry}: ${match[0]}`)
        }
      }
    }
    expect(calls).toBeGreaterThan(0)
    expect(offenders).toEqual([])
  })
})
