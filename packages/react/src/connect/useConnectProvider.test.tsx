import {
  broadcastChannel,
  type ConnectionEvent,
  type ConnectionOutcome,
  pollChannel,
} from '@oauth-connect/core/connect'
import { type FakePopup, fakeWindows, memoryChannel, trackConnectEnv } from '@oauth-connect/testing'
import { act, renderHook } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useConnectionCallback } from './useConnectionCallback.ts'
import { type UseConnectProviderOptions, useConnectProvider } from './useConnectProvider.ts'

const APP = location.origin
const BWELL = 'http://127.0.0.1:4000'
const PROVIDER = 'http://127.0.0.1:4001/consent'
const CALLBACK = `${APP}/connect/callback`
/** Everything the core counts in its leak benchmark: nothing of it may outlive an attempt. */
const NOTHING = { listeners: 0, intervals: 0, timeouts: 0, channels: 0 }

let windows: ReturnType<typeof fakeWindows>
let env: ReturnType<typeof trackConnectEnv>

beforeEach(() => {
  vi.useFakeTimers()
  windows = fakeWindows()
  env = trackConnectEnv({ open: windows.open, channel: memoryChannel })
})

afterEach(() => {
  env.restore()
  vi.useRealTimers()
  sessionStorage.clear()
})

// No QueryClientProvider: the hook needs none.
function wrapper({ children }: { children: ReactNode }) {
  return <StrictMode>{children}</StrictMode>
}

/** Lets the flow's promises run, and the teardown's task (1 ms under fake timers). */
const tick = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))
const tornDown = () => tick(1)
const popup = (index: number) => windows.popups[index] as FakePopup

function post(data: unknown, from: FakePopup | undefined, origin = BWELL) {
  act(() => {
    window.dispatchEvent(
      new MessageEvent('message', { data, origin, source: from?.window ?? null }),
    )
  })
}

const envelope = (attemptId: string, statusCode: string) => ({
  type: 'oauth-connect',
  version: 1,
  attemptId,
  statusCode,
})

function setup(
  options: {
    [K in keyof UseConnectProviderOptions]?: UseConnectProviderOptions[K] | undefined
  } = {},
) {
  const callbacks = {
    onSuccess: vi.fn(),
    onError: vi.fn(),
    onSettled: vi.fn(),
    onEvent: vi.fn<(event: ConnectionEvent) => void>(),
  }
  const renders = { count: 0 }
  const hook = renderHook(
    () => {
      renders.count++
      return useConnectProvider({
        getRedirectUrl: async () => PROVIDER,
        allowedOrigins: [BWELL],
        ...callbacks,
        ...options,
      } as UseConnectProviderOptions)
    },
    { wrapper },
  )
  return { ...hook, ...callbacks, renders }
}

describe('useConnectProvider', () => {
  it('should open the popup inside connect, then report the outcome once', async () => {
    const { result, onSuccess, onError, onSettled } = setup()
    expect(result.current.status).toBe('idle')
    let attempt: Promise<ConnectionOutcome> | undefined
    act(() => {
      attempt = result.current.connect('conn-1')
      // Synchronously, before any await of the hook.
      expect(windows.popups).toHaveLength(1)
    })
    expect(result.current).toMatchObject({ isPending: true, status: 'pending', phase: 'opened' })
    expect(result.current.attempt?.connectionId).toBe('conn-1')
    await tick()
    expect(popup(0).navigations).toEqual([PROVIDER])
    expect(result.current.phase).toBe('navigated')
    post('status-success', popup(0))
    expect(result.current).toMatchObject({ status: 'success', phase: 'settled' })
    expect(result.current.outcome).toMatchObject({ status: 'success', channel: 'message' })
    expect(await attempt).toBe(result.current.outcome)
    expect(onSuccess).toHaveBeenCalledTimes(1)
    expect(onError).not.toHaveBeenCalled()
    expect(onSettled).toHaveBeenCalledTimes(1)
    await tornDown()
    expect(popup(0).window.closed).toBe(true)
    expect(env.live).toEqual(NOTHING)
  })

  it('should survive a StrictMode double mount with one popup and one outcome', async () => {
    const { result, onSettled, onEvent } = setup()
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    expect(windows.popups).toHaveLength(1)
    post('status-success', popup(0))
    expect(onSettled).toHaveBeenCalledTimes(1)
    expect(onEvent.mock.calls.map(([event]) => event.type)).toEqual([
      'opened',
      'navigated',
      'settled',
    ])
  })

  it('[SEC-37] should report a completion exactly once when two signals arrive before React renders again', async () => {
    const { result, onSuccess, onError, onSettled, onEvent, renders } = setup({
      callbackUrl: '/connect/callback',
      channels: ['message', pollChannel, broadcastChannel, 'closed'],
      pollIntervalMs: 100,
    })
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    const attemptId = result.current.attempt?.attemptId ?? ''
    const before = renders.count
    // One act(): React renders once, after every signal has arrived.
    await act(async () => {
      const sender = memoryChannel(`oauth-connect:${attemptId}`)
      sender.postMessage(envelope(attemptId, 'success'))
      sender.close()
      for (const data of [envelope(attemptId, 'success'), 'status-success', 'status-failure']) {
        window.dispatchEvent(
          new MessageEvent('message', { data, origin: APP, source: popup(0).window }),
        )
      }
      popup(0).land(`${CALLBACK}?status_code=success`)
      popup(0).markClosed()
      await vi.advanceTimersByTimeAsync(2000)
    })
    expect(renders.count - before).toBeLessThanOrEqual(2)
    expect(result.current.status).toBe('success')
    expect(onSuccess).toHaveBeenCalledTimes(1)
    expect(onSettled).toHaveBeenCalledTimes(1)
    expect(onError).not.toHaveBeenCalled()
    expect(onEvent.mock.calls.filter(([event]) => event.type === 'settled')).toHaveLength(1)
    expect(env.live).toEqual(NOTHING)
  })

  it('[SEC-37] should report once in each hook that shows the same attempt', async () => {
    const first = setup()
    const second = setup()
    let a: Promise<ConnectionOutcome> | undefined
    let b: Promise<ConnectionOutcome> | undefined
    act(() => {
      a = first.result.current.connect('conn-1')
      b = second.result.current.connect('conn-1')
    })
    expect(b).toBe(a)
    expect(windows.popups).toHaveLength(1)
    expect(popup(0).focusCalls).toBe(1)
    await tick()
    post('status-success', popup(0))
    post('status-success', popup(0))
    await tick()
    expect(first.onSettled).toHaveBeenCalledTimes(1)
    expect(second.onSettled).toHaveBeenCalledTimes(1)
    expect(second.result.current.status).toBe('success')
  })

  it('[SEC-18] should abort and close the popup on unmount, without updates or callbacks', async () => {
    const { result, unmount, onSettled, onEvent } = setup()
    let attempt: Promise<ConnectionOutcome> | undefined
    act(() => {
      attempt = result.current.connect('conn-1')
    })
    await tick()
    const events = onEvent.mock.calls.length
    const error = vi.spyOn(console, 'error')
    unmount()
    expect((await attempt)?.status).toBe('aborted')
    await tick(1000)
    expect(popup(0).window.closed).toBe(true)
    expect(onSettled).not.toHaveBeenCalled()
    expect(onEvent).toHaveBeenCalledTimes(events)
    expect(error).not.toHaveBeenCalled()
    expect(env.live).toEqual(NOTHING)
  })

  it('[SEC-18] should cancel', async () => {
    const { result, onError } = setup()
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    act(() => result.current.cancel())
    await tornDown()
    expect(result.current.status).toBe('aborted')
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ status: 'aborted' }))
    expect(popup(0).window.closed).toBe(true)
    expect(env.live).toEqual(NOTHING)
  })

  it('should start afresh when connecting again right after cancel', async () => {
    const { result } = setup()
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    let again: Promise<ConnectionOutcome> | undefined
    act(() => {
      result.current.cancel()
      again = result.current.connect('conn-1')
    })
    await tick()
    expect(windows.popups).toHaveLength(2)
    expect(popup(1).navigations).toEqual([PROVIDER])
    post('status-success', popup(1))
    expect((await again)?.status).toBe('success')
    expect(result.current.status).toBe('success')
  })

  it('[SEC-18] [SEC-35] should keep two concurrent attempts apart, each in its own window', async () => {
    const first = setup()
    const second = setup()
    act(() => {
      void first.result.current.connect('conn-a')
    })
    act(() => {
      void second.result.current.connect('conn-b')
    })
    await tick()
    expect(windows.popups).toHaveLength(2)
    post('status-success', popup(1))
    await tornDown()
    expect(second.result.current.status).toBe('success')
    expect(first.result.current.status).toBe('pending')
    expect(popup(0).window.closed).toBe(false)
    post('status-failure', popup(0))
    expect(first.result.current.status).toBe('error')
    expect(second.result.current.status).toBe('success')
  })

  it('should abort the pending attempt when connecting another connection', async () => {
    const { result, onSettled } = setup()
    act(() => {
      void result.current.connect('conn-a')
    })
    await tick()
    act(() => {
      void result.current.connect('conn-b')
    })
    await tornDown()
    expect(popup(0).window.closed).toBe(true)
    expect(result.current.status).toBe('pending')
    post('status-success', popup(1))
    expect(result.current.status).toBe('success')
    expect(onSettled).toHaveBeenCalledTimes(1)
  })

  it('[SEC-15] should report timeout and ignore a late message', async () => {
    const { result, onSettled } = setup({ timeoutMs: 5000 })
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick(4999)
    expect(result.current.status).toBe('pending')
    await tick(1)
    expect(result.current.status).toBe('timeout')
    post('status-success', popup(0))
    await tornDown()
    expect(result.current.status).toBe('timeout')
    expect(onSettled).toHaveBeenCalledTimes(1)
    expect(env.live).toEqual(NOTHING)
  })

  it('[SEC-19] should close the popup unnavigated when the client fails', async () => {
    const client = { getOauthUrl: vi.fn(() => Promise.reject(new Error('graphql'))) }
    const { result } = setup({ getRedirectUrl: undefined, client })
    act(() => {
      void result.current.connect('conn-1')
    })
    await tornDown()
    // b.well takes the connection id only; its callback URL is registered, not passed.
    expect(client.getOauthUrl).toHaveBeenCalledWith('conn-1', {
      signal: expect.any(AbortSignal),
    })
    expect(result.current.outcome).toMatchObject({ status: 'error', channel: 'redirect-url' })
    expect(popup(0).navigations).toEqual([])
    expect(popup(0).window.closed).toBe(true)
  })

  it('should let one call override the mode, to continue a blocked attempt in this tab', async () => {
    windows.block()
    const { result } = setup({ callbackUrl: '/connect/callback' })
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    expect(result.current.status).toBe('blocked')
    expect(env.assigned).toEqual([])
    act(() => {
      void result.current.connect('conn-1', { mode: 'redirect' })
    })
    await tick()
    expect(env.assigned).toEqual([PROVIDER])
    expect(result.current.phase).toBe('redirecting')
  })

  it('should throw when neither getRedirectUrl nor client is given', () => {
    const { result } = setup({ getRedirectUrl: undefined })
    expect(() => result.current.connect('conn-1')).toThrow(TypeError)
    expect(windows.popups).toHaveLength(0)
  })

  it('should reset to idle', async () => {
    const { result } = setup()
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    act(() => result.current.reset())
    await tornDown()
    expect(result.current).toMatchObject({ status: 'idle', phase: 'idle', outcome: undefined })
    expect(popup(0).window.closed).toBe(true)
  })

  it('should leave nothing behind after attempts side by side on a registered callback URL', async () => {
    const hooks = [
      setup({ callbackUrl: '/connect/callback', channels: [broadcastChannel, 'closed'] }),
      setup({ callbackUrl: '/connect/callback', channels: [pollChannel, 'closed'] }),
      setup({ callbackUrl: '/connect/callback' }),
    ]
    for (let round = 0; round < 20; round++) {
      act(() => {
        hooks.forEach((hook, index) => void hook.result.current.connect(`conn-${index}`))
      })
      await tick()
      const [viaBroadcast, viaPoll, viaMessage] = windows.popups.slice(-3) as [
        FakePopup,
        FakePopup,
        FakePopup,
      ]
      await act(async () => {
        const id = hooks[0]?.result.current.attempt?.attemptId ?? ''
        const sender = memoryChannel(`oauth-connect:${id}`)
        sender.postMessage(envelope(id, 'success'))
        sender.close()
        viaPoll.land(`${CALLBACK}?status_code=cancelled`)
        const messageId = hooks[2]?.result.current.attempt?.attemptId ?? ''
        window.dispatchEvent(
          new MessageEvent('message', {
            data: envelope(messageId, 'expired'),
            origin: APP,
            source: viaMessage.window,
          }),
        )
        await vi.advanceTimersByTimeAsync(600)
      })
      expect(hooks.map((hook) => hook.result.current.status)).toEqual([
        'success',
        'cancelled',
        'expired',
      ])
      expect(viaBroadcast.window.closed).toBe(true)
    }
    for (const hook of hooks) expect(hook.onSettled).toHaveBeenCalledTimes(20)
    for (const hook of hooks) hook.unmount()
    await tornDown()
    expect(env.live).toEqual(NOTHING)
  })
})

describe('useConnectionCallback', () => {
  const ID = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'

  it('[SEC-3] [SEC-37] should complete exactly once under StrictMode and post to its own origin', async () => {
    const posted: [unknown, string][] = []
    vi.stubGlobal('opener', {
      postMessage: (data: unknown, origin: string) => posted.push([data, origin]),
    })
    // What connectProvider left in the popup's storage: the registered URL names no attempt.
    sessionStorage.setItem('oauth-connect:attempt', JSON.stringify(ID))
    history.replaceState(null, '', '/connect/callback?status_code=expired')
    const { result } = renderHook(() => useConnectionCallback(), { wrapper })
    await tick()
    expect(result.current).toEqual({ kind: 'popup', attemptId: ID, statusCode: 'expired' })
    expect(posted).toEqual([[envelope(ID, 'expired'), location.origin]])
    expect(location.search).toBe('')
    await tick(100)
    expect(env.closes.count).toBe(1)
    history.replaceState(null, '', '/')
  })

  it('[SEC-37] should hand a redirect-mode outcome to onRedirect exactly once', async () => {
    vi.stubGlobal('opener', null)
    sessionStorage.setItem(
      'oauth-connect:attempt',
      JSON.stringify({
        attemptId: ID,
        connectionId: 'conn-1',
        returnPath: '/sources',
        createdAt: Date.now(),
        expiresAt: Date.now() + 60_000,
      }),
    )
    history.replaceState(null, '', '/connect/callback?status_code=success')
    const onRedirect = vi.fn()
    renderHook(() => useConnectionCallback({ onRedirect }), { wrapper })
    await tick()
    expect(onRedirect).toHaveBeenCalledTimes(1)
    expect(onRedirect).toHaveBeenCalledWith(
      '/sources',
      expect.objectContaining({
        outcome: expect.objectContaining({ status: 'success', connectionId: 'conn-1' }),
      }),
    )
    history.replaceState(null, '', '/')
  })
})
