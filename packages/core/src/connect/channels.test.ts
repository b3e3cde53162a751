import { fakePopup, trackConnectEnv } from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { listenOnBroadcast } from './broadcast.ts'
import { watchClosed } from './closed.ts'
import { listenForMessage } from './message.ts'
import { pollLocation } from './poll.ts'
import { startTimeout } from './timeout.ts'

let env: ReturnType<typeof trackConnectEnv>

beforeEach(() => {
  vi.useFakeTimers()
  env = trackConnectEnv()
})

afterEach(() => {
  env.restore()
  vi.useRealTimers()
})

describe('listenForMessage', () => {
  it('[SEC-1] [SEC-2] should pass only allowed origin, expected source and parsed data', () => {
    const popup = fakePopup()
    const seen: { url: string }[] = []
    const dispose = listenForMessage({
      allowedOrigins: ['http://127.0.0.1:4002'],
      source: popup.window,
      // A login client's own envelope: a callback URL instead of a status code.
      parse: (data) =>
        typeof data === 'object' && data !== null && 'url' in data && typeof data.url === 'string'
          ? { url: data.url }
          : undefined,
      onMessage: (value) => seen.push(value),
    })
    const send = (data: unknown, origin: string, source: MessageEventSource | null) =>
      window.dispatchEvent(new MessageEvent('message', { data, origin, source }))
    send({ url: 'a' }, 'http://127.0.0.1:4002', popup.window)
    send({ url: 'b' }, 'http://127.0.0.1:40021', popup.window)
    send({ url: 'c' }, 'http://127.0.0.1:4002', window)
    send('status-success', 'http://127.0.0.1:4002', popup.window)
    expect(seen).toEqual([{ url: 'a' }])
    expect(env.live.listeners).toBe(1)
    dispose()
    expect(env.live.listeners).toBe(0)
    send({ url: 'd' }, 'http://127.0.0.1:4002', popup.window)
    expect(seen).toHaveLength(1)
  })

  it('[SEC-1] should refuse an opaque configured origin', () => {
    expect(() =>
      listenForMessage({
        allowedOrigins: ['null'],
        source: window,
        parse: () => 1,
        onMessage: () => {},
      }),
    ).toThrow(InvalidArgumentError)
    expect(env.live.listeners).toBe(0)
  })
})

describe('pollLocation', () => {
  const completionUrl = `${location.origin}/cb?attempt=1`

  it('[SEC-4] should parse only at the completion URL with its parameters', async () => {
    const popup = fakePopup()
    popup.navigations.length = 0
    popup.window.location.href = 'https://provider.example/'
    const onResult = vi.fn()
    pollLocation({
      read: () => {
        try {
          return popup.window.location.href
        } catch {
          return undefined
        }
      },
      completionUrl,
      parse: (url) => url.searchParams.get('v') ?? undefined,
      onResult,
    })
    await vi.advanceTimersByTimeAsync(1500)
    for (const path of [
      '/cb?v=1',
      '/cb?attempt=2&v=1',
      '/cb?attempt=1&attempt=1&v=1',
      '/cbx?attempt=1&v=1',
    ]) {
      popup.land(`${location.origin}${path}`)
      await vi.advanceTimersByTimeAsync(500)
    }
    popup.land(`https://evil.test/cb?attempt=1&v=1`)
    await vi.advanceTimersByTimeAsync(500)
    expect(onResult).not.toHaveBeenCalled()
    popup.land(`${location.origin}/cb?attempt=1&v=yes`)
    await vi.advanceTimersByTimeAsync(500)
    expect(onResult).toHaveBeenCalledWith('yes')
    expect(env.live.intervals).toBe(0)
  })

  it('should warn in development about a cross-origin completion URL', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const dispose = pollLocation({
      read: () => undefined,
      completionUrl: 'http://127.0.0.1:4000/oauth/complete',
      parse: () => undefined,
      onResult: () => {},
    })
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('cross-origin completion URL'))
    dispose()
    warn.mockClear()
    vi.stubEnv('NODE_ENV', 'production')
    pollLocation({
      read: () => undefined,
      completionUrl: 'http://127.0.0.1:4000/oauth/complete',
      parse: () => undefined,
      onResult: () => {},
    })()
    vi.unstubAllEnvs()
    expect(warn).not.toHaveBeenCalled()
    expect(env.live.intervals).toBe(0)
  })
})

describe('listenOnBroadcast', () => {
  it('should deliver parsed messages and close the channel on dispose', async () => {
    vi.useRealTimers()
    const received = new Promise<number>((resolve) => {
      const dispose = listenOnBroadcast({
        name: 'oauth-connect:test',
        parse: (data) => (typeof data === 'number' ? data : undefined),
        onMessage: (value) => {
          dispose?.()
          resolve(value)
        },
      })
    })
    expect(env.live.channels).toBe(1)
    const sender = new BroadcastChannel('oauth-connect:test')
    sender.postMessage('ignored')
    sender.postMessage(7)
    sender.close()
    expect(await received).toBe(7)
    expect(env.live).toMatchObject({ channels: 0, listeners: 0 })
  })

  it('should report that there is no channel where BroadcastChannel is missing', () => {
    env.restore()
    env = trackConnectEnv({ channel: () => undefined })
    expect(listenOnBroadcast({ name: 'x', parse: () => 1, onMessage: () => {} })).toBeUndefined()
  })
})

describe('watchClosed and startTimeout', () => {
  it('should call back once and clear their timers', async () => {
    const popup = fakePopup()
    const onClosed = vi.fn()
    watchClosed(() => popup.window.closed, onClosed, 100)
    const onTimeout = vi.fn()
    const cancel = startTimeout(1000, onTimeout)
    await vi.advanceTimersByTimeAsync(300)
    popup.markClosed()
    await vi.advanceTimersByTimeAsync(300)
    expect(onClosed).toHaveBeenCalledTimes(1)
    expect(env.live.intervals).toBe(0)
    cancel()
    await vi.advanceTimersByTimeAsync(1000)
    expect(onTimeout).not.toHaveBeenCalled()
    expect(env.live.timeouts).toBe(0)
  })
})
