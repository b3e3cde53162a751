import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { connectProvider } from './connectProvider.ts'
import { ConnectionError } from './errors.ts'
import type { ConnectionEvent, ConnectionOutcome } from './outcome.ts'
import { type FakePopup, fakePopup, trackConnectEnv } from './testing.ts'

const APP = location.origin
const BWELL = 'http://127.0.0.1:4000'
const PROVIDER = 'http://127.0.0.1:4001/consent?flow=1'
const CALLBACK = `${APP}/connect/callback`

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

function expectClean() {
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
    expect(popup.closeCalls).toBe(1)
    expectClean()
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
      expectClean()
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

    it('[SEC-1] should not warn about origins in production builds', () => {
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
      land('status_code=success')
      await vi.advanceTimersByTimeAsync(1000)
      land(`attempt=${'0'.repeat(32)}&status_code=success`)
      await vi.advanceTimersByTimeAsync(1000)
      expect(attempt.outcome()).toBeUndefined()
      land(`attempt=${id}&status_code=success`)
      await vi.advanceTimersByTimeAsync(500)
      expect(attempt.outcome()).toMatchObject({ status: 'success', channel: 'poll' })
      expectClean()
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
      expect(popup.closeCalls).toBe(1)
      expectClean()
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
      expectClean()
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
      expectClean()
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
      const stored = JSON.parse(
        sessionStorage.getItem(`oauth-connect:${attempt.attemptId()}`) ?? 'null',
      )
      expect(stored).toMatchObject({
        attemptId: attempt.attemptId(),
        connectionId: 'conn-1',
        returnPath: '/',
      })
      expect(stored.expiresAt - stored.createdAt).toBe(300_000)
    })

    it('[SEC-16] should warn in development when there is no user activation', () => {
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
      expectClean()
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
      vi.useRealTimers()
      env.restore()
      env = trackConnectEnv({ open: () => popup.window })
      const attempt = start({ callbackUrl: '/connect/callback', pollIntervalMs: 5 })
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(attempt.events.map((event) => event.type)).toEqual(['opened', 'navigated'])
      popup.markClosed()
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(attempt.events.map((event) => event.type)).toContain('detached')
      expect(attempt.outcome()).toBeUndefined()
      const sender = new BroadcastChannel(`oauth-connect:${attempt.attemptId()}`)
      sender.postMessage(envelope(attempt.attemptId(), 'success'))
      sender.close()
      const outcome = await attempt.promise
      expect(outcome).toMatchObject({ status: 'success', channel: 'broadcast' })
      expectClean()
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
      expectClean()
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
      expectClean()
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
      expectClean()
      post('status-success')
      await flush()
      expect(attempt.outcome()?.status).toBe('aborted')
    })

    it('[SEC-18] should settle aborted at once for an aborted signal and never navigate', async () => {
      const attempt = start({ signal: AbortSignal.abort() })
      await flush()
      expect(attempt.outcome()?.status).toBe('aborted')
      expect(popup.navigations).toEqual([])
      expectClean()
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
        expect(popup.closeCalls).toBe(1)
      }
      expect(new Set(outcomes)).toEqual(new Set(['success', 'cancelled', 'expired', 'timeout']))
      expectClean()
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
      expectClean()
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
      expectClean()
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
      (field, options) => {
        expect(() => start(options)).toThrow(new InvalidArgumentError(`invalid "${field}"`))
        expect(opened).toBe(0)
        expectClean()
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
      const stored = JSON.parse(
        sessionStorage.getItem(`oauth-connect:${attempt.attemptId()}`) ?? 'null',
      )
      expect(stored.returnPath).toBe('/settings?tab=sources')
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
      expectClean()
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
    expectClean()
  })
})
