import {
  type FakePopup,
  fakePopup,
  fakeWindows,
  memoryChannel,
  trackConnectEnv,
} from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { BINDING_KEY } from './attemptRecord.ts'
import { broadcastChannel } from './broadcast.ts'
import { connectProvider } from './connectProvider.ts'
import { ConnectionError } from './errors.ts'
import type { ConnectionEvent, ConnectionOutcome } from './outcome.ts'
import { pollChannel } from './poll.ts'

const APP = location.origin
const BWELL = 'http://127.0.0.1:4000'
const PROVIDER = 'http://127.0.0.1:4001/consent?flow=1'
const CALLBACK = `${APP}/connect/callback`
/** Every channel, as the default was before poll and broadcast became imports. */
const ALL = ['message', pollChannel, broadcastChannel, 'closed'] as const

type Options = Partial<Parameters<typeof connectProvider>[0]>

let popup: FakePopup
let env: ReturnType<typeof trackConnectEnv>
let opened: number
// Attempts are per connection id across calls, so every test ends its own.
const controllers: AbortController[] = []

beforeEach(() => {
  vi.useFakeTimers()
  popup = fakePopup()
  opened = 0
  env = trackConnectEnv({
    open: () => {
      opened++
      return popup.window
    },
    channel: memoryChannel,
  })
})

afterEach(() => {
  for (const controller of controllers.splice(0)) controller.abort()
  env.restore()
  vi.useRealTimers()
  sessionStorage.clear()
})

function post(data: unknown, origin = BWELL, source: MessageEventSource | null = popup.window) {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }))
}

function start(options: Options = {}) {
  const events: ConnectionEvent[] = []
  let outcome: ConnectionOutcome | undefined
  const getRedirectUrl = vi.fn(async () => PROVIDER)
  const controller = new AbortController()
  controllers.push(controller)
  const promise = connectProvider({
    signal: controller.signal,
    connectionId: 'conn-1',
    getRedirectUrl,
    allowedOrigins: [BWELL],
    providerName: 'Epic <b>Clinic</b>',
    onEvent: (event) => events.push(event),
    // With a callback page, race every channel unless a test picks some.
    ...(options.callbackUrl && { channels: ALL }),
    ...options,
  })
  void promise.then((value) => {
    outcome = value
  })
  return {
    promise,
    events,
    getRedirectUrl,
    attemptId: () => events[0]?.attemptId ?? '',
    outcome: () => outcome,
  }
}

const flush = () => vi.advanceTimersByTimeAsync(0)

/**
 * The teardown runs a task after the outcome. Fake timers put a 0 ms timer set while they run
 * their timers 1 ms later, so that is how long the teardown may take here; then nothing may be left.
 */
const tornDown = () => vi.advanceTimersByTimeAsync(1)

async function expectClean() {
  await tornDown()
  expect(env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
}

function envelope(attemptId: string, statusCode: string) {
  return { type: 'oauth-connect', version: 1, attemptId, statusCode }
}

describe('connectProvider', () => {
  it('should open the popup synchronously with an escaped interstitial, then navigate', async () => {
    const attempt = start()
    expect(opened).toBe(1)
    expect(popup.text()).toBe('Connecting to Epic <b>Clinic</b>…')
    expect(popup.navigations).toEqual([])
    expect(attempt.events.map((event) => event.type)).toEqual(['opened'])
    await flush()
    expect(attempt.getRedirectUrl).toHaveBeenCalledTimes(1)
    expect(popup.navigations).toEqual([PROVIDER])
    expect(attempt.events.map((event) => event.type)).toEqual(['opened', 'navigated'])
    expect(attempt.outcome()).toBeUndefined()
  })

  it('should settle success from the hosted page and tear everything down', async () => {
    const attempt = start()
    await flush()
    vi.advanceTimersByTime(1234)
    post('status-success')
    const outcome = await attempt.promise
    expect(outcome).toEqual({
      status: 'success',
      statusCode: 'success',
      channel: 'message',
      attemptId: attempt.attemptId(),
      connectionId: 'conn-1',
      elapsedMs: 1234,
    })
    // The outcome comes first; the popup closes with the rest of the teardown, a task later.
    expect(popup.closeCalls).toBe(0)
    await expectClean()
    expect(popup.closeCalls).toBe(1)
    const settled = attempt.events.at(-1)
    expect(settled?.type).toBe('settled')
    expect(settled?.outcome).toBe(outcome)
    expect(typeof settled?.at).toBe('number')
  })

  it("should report the hosted page's 'status-failure' as a typed error", async () => {
    const attempt = start()
    await flush()
    post('status-failure')
    const outcome = await attempt.promise
    expect(outcome.status).toBe('error')
    expect(outcome.status === 'error' && outcome.cause?.code).toBe('provider_failure')
  })

  it.each(['success', 'error', 'cancelled', 'expired', 'unauthorized'] as const)(
    'should settle %s from its own envelope',
    async (statusCode) => {
      const attempt = start()
      await flush()
      post(envelope(attempt.attemptId(), statusCode), APP)
      const outcome = await attempt.promise
      expect(outcome).toMatchObject({ status: statusCode, statusCode, channel: 'message' })
      await expectClean()
    },
  )

  describe('origins', () => {
    it.each([
      ['another port', 'http://127.0.0.1:4001'],
      ['a port prefix', 'http://127.0.0.1:400'],
      ['a longer port', 'http://127.0.0.1:40000'],
      ['another scheme', 'https://127.0.0.1:4000'],
      ['a suffix', 'http://127.0.0.1:4000.evil.test'],
      ['a trailing slash', 'http://127.0.0.1:4000/'],
      ['a path', 'http://127.0.0.1:4000/oauth/complete'],
      ['a substring', 'http://evil.test/?http://127.0.0.1:4000'],
      ['another host name', 'http://localhost:4000'],
      ['upper case', 'HTTP://127.0.0.1:4000'],
      ['the literal null', 'null'],
      ['an empty origin', ''],
    ])('[SEC-1] should ignore a message from %s', async (_, origin) => {
      const attempt = start()
      await flush()
      post('status-success', origin)
      post(envelope(attempt.attemptId(), 'success'), origin)
      await flush()
      expect(attempt.outcome()).toBeUndefined()
      post('status-success')
      expect((await attempt.promise).status).toBe('success')
    })

    it('[SEC-1] should compare against the normalized configured origin', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      const attempt = start({ allowedOrigins: ['HTTP://127.0.0.1:4000/oauth/complete'] })
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('is not an origin'))
      await flush()
      post('status-success', 'http://127.0.0.1:4000/oauth/complete')
      await flush()
      expect(attempt.outcome()).toBeUndefined()
      post('status-success', BWELL)
      expect((await attempt.promise).status).toBe('success')
    })

    it('should not warn about origins in production builds', () => {
      vi.stubEnv('NODE_ENV', 'production')
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      start({ allowedOrigins: [`${BWELL}/`] })
      expect(warn).not.toHaveBeenCalled()
      vi.unstubAllEnvs()
    })

    it.each(['null', 'not a url', 'javascript:alert(1)', 'data:text/html,x'])(
      '[SEC-1] should refuse the configured origin %s before opening',
      (origin) => {
        expect(() => start({ allowedOrigins: [origin] })).toThrow(InvalidArgumentError)
        expect(opened).toBe(0)
      },
    )
  })

  describe('sources and data', () => {
    it('[SEC-2] should ignore a message from another window on the right origin', async () => {
      const other = fakePopup()
      const attempt = start()
      await flush()
      post('status-success', BWELL, other.window)
      post('status-success', BWELL, window)
      post('status-success', BWELL, null)
      await flush()
      expect(attempt.outcome()).toBeUndefined()
      post('status-success')
      expect((await attempt.promise).status).toBe('success')
    })

    it('[SEC-2] should ignore undocumented data', async () => {
      const attempt = start()
      await flush()
      const id = attempt.attemptId()
      for (const data of [
        'STATUS-SUCCESS',
        'status-success ',
        'success',
        '{"type":"oauth-connect"}',
        null,
        undefined,
        42,
        ['status-success'],
        { ...envelope(id, 'success'), version: 2 },
        { ...envelope(id, 'success'), type: 'other' },
        envelope(id, 'SUCCESS'),
        envelope(id, 'ok'),
        { type: 'oauth-connect', version: 1, statusCode: 'success' },
        envelope('0'.repeat(32), 'success'),
      ]) {
        post(data)
        post(data, APP)
      }
      await flush()
      expect(attempt.outcome()).toBeUndefined()
      post(envelope(id, 'cancelled'), APP)
      expect((await attempt.promise).status).toBe('cancelled')
    })

    it('[SEC-2] should let the first valid message settle and ignore later ones', async () => {
      const attempt = start()
      await flush()
      post('status-failure')
      post('status-success')
      post(envelope(attempt.attemptId(), 'success'), APP)
      const outcome = await attempt.promise
      await flush()
      expect(outcome.status).toBe('error')
      expect(attempt.events.filter((event) => event.type === 'settled')).toHaveLength(1)
    })
  })

  describe('polling', () => {
    const land = (query: string) => popup.land(`${CALLBACK}?${query}`)

    it('[SEC-4] should swallow SecurityError and read only the completion URL', async () => {
      const attempt = start({ callbackUrl: '/connect/callback', allowedOrigins: [] })
      await flush()
      const id = attempt.attemptId()
      await vi.advanceTimersByTimeAsync(2000)
      popup.land(`${APP}/elsewhere?attempt=${id}&status_code=success`)
      await vi.advanceTimersByTimeAsync(1000)
      land(`attempt=${'0'.repeat(36)}&status_code=success`)
      await vi.advanceTimersByTimeAsync(1000)
      land(`attempt=${id}&attempt=${id}&status_code=success`)
      await vi.advanceTimersByTimeAsync(1000)
      expect(attempt.outcome()).toBeUndefined()
      land(`attempt=${id}&status_code=success`)
      await vi.advanceTimersByTimeAsync(500)
      expect(attempt.outcome()).toMatchObject({ status: 'success', channel: 'poll' })
      await expectClean()
    })

    it.each([
      ['missing', ''],
      ['empty', '&status_code='],
      ['unknown', '&status_code=ok'],
      ['differently cased', '&status_code=Success'],
      ['repeated', '&status_code=success&status_code=success'],
      ['repeated and conflicting', '&status_code=error&status_code=success'],
    ])('[SEC-4] should fail closed on a %s status_code', async (_, query) => {
      const attempt = start({ callbackUrl: '/connect/callback' })
      await flush()
      land(`attempt=${attempt.attemptId()}${query}`)
      await vi.advanceTimersByTimeAsync(500)
      const outcome = attempt.outcome()
      expect(outcome?.status).toBe('error')
      expect(outcome?.status === 'error' && outcome.cause).toBeInstanceOf(ConnectionError)
      expect(outcome?.status === 'error' && outcome.cause?.code).toBe('invalid_status_code')
    })

    it('[SEC-4] should report unauthorized as a CSRF failure and never retry', async () => {
      const attempt = start({ callbackUrl: '/connect/callback' })
      await flush()
      land(`attempt=${attempt.attemptId()}&status_code=unauthorized`)
      await vi.advanceTimersByTimeAsync(500)
      expect(attempt.outcome()).toMatchObject({
        status: 'unauthorized',
        statusCode: 'unauthorized',
      })
      await vi.advanceTimersByTimeAsync(10_000)
      expect(attempt.getRedirectUrl).toHaveBeenCalledTimes(1)
      expect(opened).toBe(1)
    })

    it('should use pollIntervalMs', async () => {
      const attempt = start({ callbackUrl: '/connect/callback', pollIntervalMs: 2000 })
      await flush()
      land(`attempt=${attempt.attemptId()}&status_code=success`)
      await vi.advanceTimersByTimeAsync(1999)
      expect(attempt.outcome()).toBeUndefined()
      await vi.advanceTimersByTimeAsync(1)
      expect(attempt.outcome()?.status).toBe('success')
    })

    it('should not poll when channels leaves it out', async () => {
      const attempt = start({ callbackUrl: '/connect/callback', channels: ['message'] })
      await flush()
      land(`attempt=${attempt.attemptId()}&status_code=success`)
      await vi.advanceTimersByTimeAsync(5000)
      expect(attempt.outcome()).toBeUndefined()
      expect(env.live.intervals).toBe(0)
    })

    it('should pass the callback URL with the attempt as redirectUri', async () => {
      const attempt = start({ callbackUrl: '/connect/callback?x=1' })
      await flush()
      expect(attempt.getRedirectUrl).toHaveBeenCalledWith(
        expect.objectContaining({
          connectionId: 'conn-1',
          attemptId: attempt.attemptId(),
          redirectUri: `${CALLBACK}?x=1&attempt=${attempt.attemptId()}`,
        }),
      )
    })
  })

  describe('timeout', () => {
    it('[SEC-15] should stay pending until timeoutMs, then settle timeout and clean up', async () => {
      const attempt = start({ timeoutMs: 10_000, callbackUrl: '/connect/callback' })
      await vi.advanceTimersByTimeAsync(9999)
      expect(attempt.outcome()).toBeUndefined()
      expect(popup.closeCalls).toBe(0)
      await vi.advanceTimersByTimeAsync(1)
      expect(attempt.outcome()).toMatchObject({ status: 'timeout', channel: 'timeout' })
      // The outcome first; the popup closes in the teardown's task, the next one.
      await tornDown()
      expect(popup.closeCalls).toBe(1)
      await expectClean()
    })

    it('[SEC-15] should default to 300 000 ms', async () => {
      const attempt = start()
      await vi.advanceTimersByTimeAsync(299_999)
      expect(attempt.outcome()).toBeUndefined()
      await vi.advanceTimersByTimeAsync(1)
      expect(attempt.outcome()?.status).toBe('timeout')
    })

    it('[SEC-15] should ignore a late valid message after the timeout', async () => {
      const attempt = start({ timeoutMs: 1000 })
      await vi.advanceTimersByTimeAsync(1000)
      post('status-success')
      post(envelope(attempt.attemptId(), 'success'), APP)
      await flush()
      expect(attempt.outcome()?.status).toBe('timeout')
      expect(attempt.events.filter((event) => event.type === 'settled')).toHaveLength(1)
      await expectClean()
    })
  })

  describe('popup blocker', () => {
    it('[SEC-16] should settle blocked without fetching the URL or leaving timers', async () => {
      env.restore()
      env = trackConnectEnv({ open: () => null })
      const attempt = start()
      await flush()
      expect(attempt.outcome()).toMatchObject({ status: 'blocked', channel: 'blocked' })
      expect(attempt.getRedirectUrl).not.toHaveBeenCalled()
      await expectClean()
    })

    it('[SEC-16] should open before the first await of the caller', async () => {
      let openedBeforeUrl = false
      const attempt = start({
        getRedirectUrl: async () => {
          openedBeforeUrl = opened === 1
          return PROVIDER
        },
      })
      expect(opened).toBe(1)
      await flush()
      expect(openedBeforeUrl).toBe(true)
      post('status-success')
      await attempt.promise
    })

    it('[SEC-16] should fall back to redirect mode in auto mode', async () => {
      env.restore()
      env = trackConnectEnv({ open: () => null })
      const attempt = start({ mode: 'auto', callbackUrl: '/connect/callback' })
      await flush()
      expect(env.assigned).toEqual([PROVIDER])
      expect(attempt.events.map((event) => event.type)).toEqual(['redirecting'])
      const stored = JSON.parse(sessionStorage.getItem(BINDING_KEY) ?? 'null')
      expect(stored).toMatchObject({
        attemptId: attempt.attemptId(),
        connectionId: 'conn-1',
        returnPath: '/',
      })
      expect(stored.expiresAt - stored.createdAt).toBe(300_000)
    })

    it('should warn in development when there is no user activation', () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      Object.defineProperty(navigator, 'userActivation', {
        configurable: true,
        value: { isActive: false, hasBeenActive: false },
      })
      try {
        start()
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('without a user gesture'))
        warn.mockClear()
        vi.stubEnv('NODE_ENV', 'production')
        start({ connectionId: 'conn-2' })
        expect(warn).not.toHaveBeenCalled()
      } finally {
        Reflect.deleteProperty(navigator, 'userActivation')
        vi.unstubAllEnvs()
      }
    })
  })

  describe('closed and COOP', () => {
    it('[SEC-17] should settle closed when the user closes the popup', async () => {
      const attempt = start()
      await flush()
      popup.markClosed()
      await vi.advanceTimersByTimeAsync(500)
      expect(attempt.outcome()).toBeUndefined()
      await vi.advanceTimersByTimeAsync(500)
      expect(attempt.outcome()).toMatchObject({ status: 'closed', channel: 'closed' })
      await expectClean()
    })

    it('[SEC-17] should let a late message win during the grace period', async () => {
      const attempt = start()
      await flush()
      popup.markClosed()
      await vi.advanceTimersByTimeAsync(700)
      post('status-success')
      await flush()
      expect(attempt.outcome()?.status).toBe('success')
    })

    it('[SEC-17] should detach, not close, while the broadcast channel can report', async () => {
      const attempt = start({ callbackUrl: '/connect/callback' })
      await flush()
      expect(attempt.events.map((event) => event.type)).toEqual(['opened', 'navigated'])
      popup.markClosed()
      await vi.advanceTimersByTimeAsync(500 + 10_000)
      expect(attempt.events.map((event) => event.type)).toEqual(['opened', 'navigated', 'detached'])
      expect(attempt.outcome()).toBeUndefined()
      const sender = memoryChannel(`oauth-connect:${attempt.attemptId()}`)
      sender.postMessage(envelope(attempt.attemptId(), 'success'))
      sender.close()
      const outcome = await attempt.promise
      expect(outcome).toMatchObject({ status: 'success', channel: 'broadcast' })
      await expectClean()
    })

    it('[SEC-17] should settle closed, not detach, when no channel survives COOP', async () => {
      const attempt = start({
        callbackUrl: '/connect/callback',
        channels: ['message', pollChannel, 'closed'],
      })
      await flush()
      popup.markClosed()
      await vi.advanceTimersByTimeAsync(1000)
      expect(attempt.outcome()).toMatchObject({ status: 'closed', channel: 'closed' })
      expect(attempt.events.map((event) => event.type)).not.toContain('detached')
    })

    it('[SEC-17] should ask confirm while detached and settle when it says yes', async () => {
      let answer = false
      const confirm = vi.fn(async () => answer)
      const attempt = start({ confirm })
      await flush()
      popup.markClosed()
      await vi.advanceTimersByTimeAsync(500)
      expect(attempt.events.map((event) => event.type)).toContain('detached')
      await vi.advanceTimersByTimeAsync(3000)
      expect(confirm).toHaveBeenCalledTimes(1)
      expect(attempt.outcome()).toBeUndefined()
      answer = true
      await vi.advanceTimersByTimeAsync(3000)
      expect(attempt.outcome()).toMatchObject({ status: 'success', channel: 'confirm' })
      await expectClean()
    })

    it('[SEC-17] should let a detached attempt be cancelled', async () => {
      const controller = new AbortController()
      const attempt = start({ callbackUrl: '/connect/callback', signal: controller.signal })
      await flush()
      popup.markClosed()
      await vi.advanceTimersByTimeAsync(500)
      expect(attempt.events.map((event) => event.type)).toContain('detached')
      controller.abort()
      expect(attempt.outcome()).toBeUndefined()
      await flush()
      expect(attempt.outcome()).toMatchObject({ status: 'aborted', channel: 'aborted' })
      await expectClean()
    })
  })

  describe('abort and concurrency', () => {
    it('[SEC-18] should settle aborted mid-flow, close the popup and detach everything', async () => {
      const controller = new AbortController()
      const attempt = start({ signal: controller.signal, callbackUrl: '/connect/callback' })
      await flush()
      controller.abort()
      await flush()
      expect(attempt.outcome()).toMatchObject({ status: 'aborted' })
      expect(popup.closeCalls).toBe(1)
      await expectClean()
      post('status-success')
      await flush()
      expect(attempt.outcome()?.status).toBe('aborted')
    })

    it('[SEC-18] should settle aborted at once for an aborted signal and never navigate', async () => {
      const attempt = start({ signal: AbortSignal.abort() })
      await flush()
      expect(attempt.outcome()?.status).toBe('aborted')
      expect(popup.navigations).toEqual([])
      await expectClean()
    })

    it('[SEC-18] should abort getRedirectUrl and confirm through their signals', async () => {
      const controller = new AbortController()
      let seen: AbortSignal | undefined
      const attempt = start({
        signal: controller.signal,
        getRedirectUrl: ({ signal }) => {
          seen = signal
          return new Promise<string>(() => {})
        },
      })
      await flush()
      expect(seen?.aborted).toBe(false)
      controller.abort()
      await flush()
      expect(seen?.aborted).toBe(true)
      expect(attempt.outcome()?.status).toBe('aborted')
    })

    it('[SEC-18] should never cross-settle two concurrent attempts', async () => {
      const popupA = popup
      const first = start({ connectionId: 'conn-a', callbackUrl: '/connect/callback' })
      const popupB = fakePopup()
      popup = popupB
      env.restore()
      env = trackConnectEnv({ open: () => popupB.window })
      const second = start({ connectionId: 'conn-b', callbackUrl: '/connect/callback' })
      await flush()
      expect(first.attemptId()).not.toBe(second.attemptId())
      post(envelope(first.attemptId(), 'success'), APP, popupB.window)
      post('status-success', BWELL, popupA.window)
      await flush()
      expect(first.outcome()?.status).toBe('success')
      expect(second.outcome()).toBeUndefined()
      popupB.land(`${CALLBACK}?attempt=${first.attemptId()}&status_code=error`)
      await vi.advanceTimersByTimeAsync(1000)
      expect(second.outcome()).toBeUndefined()
      post(envelope(second.attemptId(), 'expired'), APP, popupB.window)
      expect((await second.promise).status).toBe('expired')
    })

    it('should focus the open popup and return the same promise for the same connection', async () => {
      const first = start()
      const second = start()
      expect(second.promise).toBe(first.promise)
      expect(opened).toBe(1)
      expect(popup.focusCalls).toBe(1)
      await flush()
      post('status-success')
      await first.promise
      const third = start()
      expect(third.promise).not.toBe(first.promise)
      expect(opened).toBe(2)
    })

    it('should leave nothing behind after 1 000 sequential attempts', async () => {
      const outcomes: string[] = []
      for (let index = 0; index < 1000; index++) {
        popup = fakePopup()
        const attempt = start({ callbackUrl: '/connect/callback', timeoutMs: 2000 })
        await flush()
        if (index % 4 === 0) post('status-success')
        else if (index % 4 === 1) post(envelope(attempt.attemptId(), 'cancelled'), APP)
        else if (index % 4 === 2) {
          popup.land(`${CALLBACK}?attempt=${attempt.attemptId()}&status_code=expired`)
          await vi.advanceTimersByTimeAsync(500)
        } else await vi.advanceTimersByTimeAsync(2000)
        outcomes.push((await attempt.promise).status)
        await tornDown()
        expect(popup.closeCalls).toBe(1)
      }
      expect(new Set(outcomes)).toEqual(new Set(['success', 'cancelled', 'expired', 'timeout']))
      await expectClean()
      expect(vi.getTimerCount()).toBe(0)
    }, 60_000)
  })

  describe('confirm', () => {
    it('should report success only after confirm says yes', async () => {
      let release: (ok: boolean) => void = () => {}
      const confirm = vi.fn(
        () =>
          new Promise<boolean>((resolve) => {
            release = resolve
          }),
      )
      const attempt = start({ confirm })
      await flush()
      post('status-success')
      await flush()
      expect(confirm).toHaveBeenCalledWith(
        expect.objectContaining({ connectionId: 'conn-1', attemptId: attempt.attemptId() }),
      )
      expect(attempt.outcome()).toBeUndefined()
      release(true)
      expect(await attempt.promise).toMatchObject({ status: 'success', channel: 'message' })
    })

    it('should report an error when confirm says no or fails', async () => {
      const no = start({ confirm: async () => false })
      await flush()
      post('status-success')
      const outcome = await no.promise
      expect(outcome).toMatchObject({ status: 'error', statusCode: 'success' })
      expect(outcome.status === 'error' && outcome.cause?.code).toBe('not_confirmed')

      const cause = new Error('backend down')
      const failing = start({
        connectionId: 'conn-2',
        confirm: async () => {
          throw cause
        },
      })
      await flush()
      post('status-success')
      const failed = await failing.promise
      expect(failed.status === 'error' && failed.cause?.code).toBe('not_confirmed')
      expect(failed.status === 'error' && failed.cause?.cause).toBe(cause)
    })

    it('should not ask confirm for other statuses', async () => {
      const confirm = vi.fn(async () => true)
      const attempt = start({ confirm })
      await flush()
      post(envelope(attempt.attemptId(), 'cancelled'), APP)
      expect((await attempt.promise).status).toBe('cancelled')
      expect(confirm).not.toHaveBeenCalled()
    })
  })

  describe('getOauthUrl failures', () => {
    it('[SEC-19] should close the popup without navigating when getRedirectUrl fails', async () => {
      const cause = new Error('graphql error')
      const attempt = start({ getRedirectUrl: () => Promise.reject(cause) })
      await flush()
      const outcome = attempt.outcome()
      expect(outcome).toMatchObject({ status: 'error', channel: 'redirect-url' })
      expect(outcome?.status === 'error' && outcome.cause).toBeInstanceOf(ConnectionError)
      expect(outcome?.status === 'error' && outcome.cause?.code).toBe('redirect_url_failed')
      expect(outcome?.status === 'error' && outcome.cause?.cause).toBe(cause)
      expect(popup.navigations).toEqual([])
      expect(popup.closeCalls).toBe(1)
      await expectClean()
    })

    it('[SEC-19] should treat a synchronous throw like a rejection', async () => {
      const attempt = start({
        getRedirectUrl: () => {
          throw new Error('boom')
        },
      })
      await flush()
      expect(attempt.outcome()?.status).toBe('error')
      expect(popup.navigations).toEqual([])
    })

    it.each([null, undefined, 42, {}, ''])(
      '[SEC-19] should refuse a non-string or empty URL (%s)',
      async (value) => {
        const attempt = start({ getRedirectUrl: async () => value as unknown as string })
        await flush()
        const outcome = attempt.outcome()
        expect(outcome?.status === 'error' && outcome.cause?.code).toBe('unsafe_redirect_url')
        expect(popup.navigations).toEqual([])
        expect(popup.closeCalls).toBe(1)
      },
    )
  })

  describe('redirect URL', () => {
    it.each([
      'javascript:alert(document.domain)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'blob:https://provider.example/1',
      'about:blank',
      'ftp://provider.example/',
      'http://provider.example/authorize',
      'http://127.0.0.1.evil.test/',
      'http://localhost.evil.test/',
      'http://10.0.0.1/',
      '/relative/path',
      '//evil.test/authorize',
      'https://',
    ])('[SEC-20] should never assign %s to the popup', async (url) => {
      const attempt = start({ getRedirectUrl: async () => url })
      await flush()
      const outcome = attempt.outcome()
      expect(outcome?.status).toBe('error')
      expect(outcome?.status === 'error' && outcome.cause?.code).toBe('unsafe_redirect_url')
      expect(popup.navigations).toEqual([])
      await expectClean()
    })

    it.each([
      'https://provider.example/authorize?x=1',
      'http://127.0.0.1:4001/consent',
      'http://localhost:4001/consent',
      'http://[::1]:4001/consent',
    ])('[SEC-20] should accept %s', async (url) => {
      start({ getRedirectUrl: async () => url })
      await flush()
      expect(popup.navigations).toEqual([new URL(url).href])
    })

    it('[SEC-20] should narrow to allowedHosts when set', async () => {
      const refused = start({
        allowedHosts: ['provider.example'],
        getRedirectUrl: async () => 'https://other.example/authorize',
      })
      await flush()
      expect(refused.outcome()?.status).toBe('error')
      expect(popup.navigations).toEqual([])
      popup = fakePopup()
      start({
        connectionId: 'conn-2',
        allowedHosts: ['provider.example'],
        getRedirectUrl: async () => 'https://provider.example/authorize',
      })
      await flush()
      expect(popup.navigations).toEqual(['https://provider.example/authorize'])
    })
  })

  describe('arguments', () => {
    it.each<[string, Options]>([
      ['connectionId', { connectionId: '' }],
      ['getRedirectUrl', { getRedirectUrl: 'https://x' as unknown as () => string }],
      ['timeoutMs', { timeoutMs: 0 }],
      ['pollIntervalMs', { pollIntervalMs: Number.NaN }],
      ['callbackUrl', { callbackUrl: 'https://evil.test/connect/callback' }],
      ['callbackUrl', { callbackUrl: '//evil.test/connect/callback' }],
      ['callbackUrl', { mode: 'redirect' }],
      ['callbackUrl', { mode: 'auto' }],
      ['returnPath', { returnPath: 'javascript:alert(1)' }],
    ])(
      '[SEC-9] should throw an InvalidArgumentError naming %s before opening',
      async (field, options) => {
        expect(() => start(options)).toThrow(new InvalidArgumentError(`invalid "${field}"`))
        expect(opened).toBe(0)
        await expectClean()
      },
    )
  })

  describe('redirect mode', () => {
    it('should store the attempt and send the whole tab to the provider', async () => {
      const attempt = start({
        mode: 'redirect',
        callbackUrl: '/connect/callback',
        returnPath: '/settings?tab=sources',
      })
      expect(opened).toBe(0)
      await flush()
      expect(env.assigned).toEqual([PROVIDER])
      const stored = JSON.parse(sessionStorage.getItem(BINDING_KEY) ?? 'null')
      expect(stored).toMatchObject({
        attemptId: attempt.attemptId(),
        returnPath: '/settings?tab=sources',
      })
      expect(attempt.getRedirectUrl).toHaveBeenCalledWith(
        expect.objectContaining({ redirectUri: `${CALLBACK}?attempt=${attempt.attemptId()}` }),
      )
    })

    it('should delete the record when the URL cannot be had', async () => {
      const attempt = start({
        mode: 'redirect',
        callbackUrl: '/connect/callback',
        getRedirectUrl: async () => 'javascript:alert(1)',
      })
      await flush()
      expect(attempt.outcome()?.status).toBe('error')
      expect(env.assigned).toEqual([])
      expect(sessionStorage.length).toBe(0)
      await expectClean()
    })

    it('should report storage failures as a typed error', async () => {
      vi.stubGlobal('sessionStorage', {
        setItem() {
          throw new DOMException('quota', 'QuotaExceededError')
        },
        removeItem() {},
      })
      const attempt = start({ mode: 'redirect', callbackUrl: '/connect/callback' })
      await flush()
      vi.unstubAllGlobals()
      const outcome = attempt.outcome()
      expect(outcome?.status === 'error' && outcome.cause?.code).toBe('storage_unavailable')
      expect(env.assigned).toEqual([])
    })
  })

  it('should let a throwing onEvent surface without breaking the attempt', async () => {
    const failure = new Error('analytics down')
    const events: string[] = []
    const options = {
      connectionId: 'conn-throw',
      getRedirectUrl: async () => PROVIDER,
      allowedOrigins: [BWELL],
      onEvent: (event: ConnectionEvent) => {
        events.push(event.type)
        if (event.type === 'opened') throw failure
      },
    }
    expect(() => connectProvider(options)).toThrow(failure)
    const promise = connectProvider(options)
    expect(opened).toBe(1)
    await flush()
    expect(popup.navigations).toEqual([PROVIDER])
    post('status-success')
    expect((await promise).status).toBe('success')
    expect(events).toEqual(['opened', 'navigated', 'settled'])
    await expectClean()
  })
})

describe('connectProvider, one window per attempt', () => {
  let windows: ReturnType<typeof fakeWindows>

  beforeEach(() => {
    env.restore()
    windows = fakeWindows()
    env = trackConnectEnv({ open: windows.open, channel: memoryChannel })
  })

  function side(connectionId: string, options: Options = {}) {
    return start({ connectionId, callbackUrl: '/connect/callback', ...options })
  }

  it('[SEC-35] should open a window of its own for each attempt, named after it', async () => {
    const a = side('conn-a')
    const b = side('conn-b')
    await flush()
    expect(windows.popups).toHaveLength(2)
    expect(windows.names).toEqual([
      `oauth-connect-${a.attemptId()}`,
      `oauth-connect-${b.attemptId()}`,
    ])
    const [popupA, popupB] = windows.popups
    expect(popupA?.navigations).toEqual([PROVIDER])
    expect(popupB?.navigations).toEqual([PROVIDER])
  })

  it("[SEC-35] should never settle one attempt from the other one's window, least of all as success", async () => {
    const a = side('conn-a')
    const b = side('conn-b')
    await flush()
    const [popupA, popupB] = windows.popups as [FakePopup, FakePopup]
    // Everything attempt A's completion could look like, from B's window.
    post(envelope(a.attemptId(), 'success'), APP, popupB.window)
    popupB.land(`${CALLBACK}?attempt=${a.attemptId()}&status_code=success`)
    await vi.advanceTimersByTimeAsync(1000)
    expect(a.outcome()).toBeUndefined()
    expect(b.outcome()).toBeUndefined()
    // B's own completion settles B alone.
    post('status-success', BWELL, popupB.window)
    expect(await b.promise).toMatchObject({ status: 'success', attemptId: b.attemptId() })
    await tornDown()
    expect(popupB.closeCalls).toBe(1)
    expect(popupA.closeCalls).toBe(0)
    expect(a.outcome()).toBeUndefined()
    post(envelope(a.attemptId(), 'cancelled'), APP, popupA.window)
    expect(await a.promise).toMatchObject({ status: 'cancelled', attemptId: a.attemptId() })
  })

  it('[SEC-35] should not close, navigate or reuse the other window when one attempt ends', async () => {
    const controllerA = new AbortController()
    const a = side('conn-a', { signal: controllerA.signal })
    const b = side('conn-b', { getRedirectUrl: () => new Promise<string>(() => {}) })
    await flush()
    const [popupA, popupB] = windows.popups as [FakePopup, FakePopup]
    controllerA.abort()
    expect((await a.promise).status).toBe('aborted')
    await tornDown()
    expect(popupA.closeCalls).toBe(1)
    expect(popupB).toMatchObject({ closeCalls: 0, navigations: [] })
    // A third attempt opens a third window instead of taking B's.
    side('conn-c')
    expect(windows.popups).toHaveLength(3)
    expect(b.outcome()).toBeUndefined()
  })

  it('[SEC-35] should focus the open popup on a second click for the same connection', async () => {
    const first = side('conn-a')
    const again = side('conn-a')
    expect(again.promise).toBe(first.promise)
    expect(windows.popups).toHaveLength(1)
    expect(windows.popups[0]?.focusCalls).toBe(1)
  })
})

describe('connectProvider, a callback URL registered with the provider', () => {
  let windows: ReturnType<typeof fakeWindows>

  beforeEach(() => {
    env.restore()
    windows = fakeWindows()
    env = trackConnectEnv({ open: windows.open, channel: memoryChannel })
  })

  // What b.well does: the registered URL, with only `status_code` appended.
  const registered = (statusCode: string) => `${CALLBACK}?status_code=${statusCode}`

  it('[SEC-36] should bind each popup to its attempt in the storage it clones at window.open', async () => {
    const a = start({ connectionId: 'conn-a', callbackUrl: '/connect/callback' })
    const b = start({ connectionId: 'conn-b', callbackUrl: '/connect/callback' })
    await flush()
    expect(windows.storage.map((value) => JSON.parse(value ?? 'null'))).toEqual([
      a.attemptId(),
      b.attemptId(),
    ])
    // The opener keeps no copy: the next window or the app's own callback must not inherit it.
    expect(sessionStorage.getItem(BINDING_KEY)).toBeNull()
  })

  it('[SEC-36] should leave a popup unbound when the attempt only polls', async () => {
    sessionStorage.setItem(BINDING_KEY, JSON.stringify('left-over'))
    start({ callbackUrl: '/connect/callback', channels: [pollChannel, 'closed'] })
    expect(windows.storage).toEqual([null])
  })

  it('[SEC-36] should settle on the message bound by its window, without an attempt in the URL', async () => {
    const a = start({
      connectionId: 'conn-a',
      callbackUrl: '/connect/callback',
      channels: ['message'],
    })
    const b = start({
      connectionId: 'conn-b',
      callbackUrl: '/connect/callback',
      channels: ['message'],
    })
    await flush()
    const [, popupB] = windows.popups as [FakePopup, FakePopup]
    post(envelope(b.attemptId(), 'expired'), APP, popupB.window)
    expect(await b.promise).toMatchObject({ status: 'expired', channel: 'message' })
    expect(a.outcome()).toBeUndefined()
  })

  it('[SEC-36] should poll its own window at the registered URL', async () => {
    const a = start({
      connectionId: 'conn-a',
      callbackUrl: '/connect/callback',
      channels: [pollChannel],
    })
    const b = start({
      connectionId: 'conn-b',
      callbackUrl: '/connect/callback',
      channels: [pollChannel],
    })
    await flush()
    const [popupA, popupB] = windows.popups as [FakePopup, FakePopup]
    popupB.land(registered('cancelled'))
    await vi.advanceTimersByTimeAsync(500)
    expect(b.outcome()).toMatchObject({ status: 'cancelled', channel: 'poll' })
    expect(a.outcome()).toBeUndefined()
    popupA.land(registered('success'))
    await vi.advanceTimersByTimeAsync(500)
    expect(a.outcome()).toMatchObject({ status: 'success', channel: 'poll' })
  })

  it('[SEC-36] [SEC-4] should fail closed on a bad status_code there, and not guess on a missing one', async () => {
    const attempt = start({ callbackUrl: '/connect/callback', channels: [pollChannel] })
    await flush()
    // No status_code and no attempt: a callback page that has reported and stripped its URL.
    popup.land(CALLBACK)
    windows.popups[0]?.land(CALLBACK)
    await vi.advanceTimersByTimeAsync(2000)
    expect(attempt.outcome()).toBeUndefined()
    windows.popups[0]?.land(`${CALLBACK}?status_code=success&status_code=success`)
    await vi.advanceTimersByTimeAsync(500)
    const outcome = attempt.outcome()
    expect(outcome?.status === 'error' && outcome.cause?.code).toBe('invalid_status_code')
  })

  it('[SEC-36] should settle on the broadcast for its attempt only', async () => {
    const a = start({
      connectionId: 'conn-a',
      callbackUrl: '/connect/callback',
      channels: [broadcastChannel],
    })
    const b = start({
      connectionId: 'conn-b',
      callbackUrl: '/connect/callback',
      channels: [broadcastChannel],
    })
    await flush()
    const sender = memoryChannel(`oauth-connect:${b.attemptId()}`)
    sender.postMessage(envelope(a.attemptId(), 'success'))
    await flush()
    expect(a.outcome()).toBeUndefined()
    expect(b.outcome()).toBeUndefined()
    sender.postMessage(envelope(b.attemptId(), 'success'))
    expect(await b.promise).toMatchObject({ status: 'success', channel: 'broadcast' })
    sender.close()
    expect(a.outcome()).toBeUndefined()
  })

  it('[SEC-36] should still give a per-call redirect URI the attempt', async () => {
    const attempt = start({ callbackUrl: '/connect/callback?x=1' })
    await flush()
    expect(attempt.getRedirectUrl).toHaveBeenCalledWith(
      expect.objectContaining({ redirectUri: `${CALLBACK}?x=1&attempt=${attempt.attemptId()}` }),
    )
  })
})
