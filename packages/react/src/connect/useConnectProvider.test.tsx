import {
  type ConnectEnv,
  type ConnectionEvent,
  type ConnectionOutcome,
  setConnectEnv,
} from '@oauth-connect/core/connect'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, renderHook } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useConnectionCallback } from './useConnectionCallback.ts'
import { type UseConnectProviderOptions, useConnectProvider } from './useConnectProvider.ts'
import { usePopupCompletion } from './usePopupCompletion.ts'

const BWELL = 'http://127.0.0.1:4000'
const PROVIDER = 'http://127.0.0.1:4001/consent'

interface Popup {
  window: Window
  navigations: string[]
  closed: boolean
  closes: number
  land(href: string | undefined): void
}

/** A popup stand-in: cross-origin (SecurityError) after navigating, until it lands. */
function makePopup(): Popup {
  let href: string | undefined = 'about:blank'
  const popup: Popup = {
    navigations: [],
    closed: false,
    closes: 0,
    land: (value) => {
      href = value
    },
    window: undefined as unknown as Window,
  }
  popup.window = {
    document: { title: '', body: { textContent: '' } },
    location: {
      get href() {
        if (href === undefined) throw new DOMException('cross-origin', 'SecurityError')
        return href
      },
      set href(value: string) {
        popup.navigations.push(value)
        href = undefined
      },
    },
    get closed() {
      return popup.closed
    },
    close() {
      popup.closes++
      popup.closed = true
    },
    focus() {},
  } as unknown as Window
  return popup
}

let popups: Popup[]
let restore: () => void
let live: { listeners: number; timers: number }

beforeEach(() => {
  vi.useFakeTimers()
  popups = []
  live = { listeners: 0, timers: 0 }
  const timers = new Set<unknown>()
  const env: Partial<ConnectEnv> = {
    open: () => {
      const popup = makePopup()
      popups.push(popup)
      return popup.window
    },
    listen(target, type, listener) {
      target.addEventListener(type, listener)
      live.listeners++
      return () => {
        live.listeners--
        target.removeEventListener(type, listener)
      }
    },
    setInterval(callback, ms) {
      const id: unknown = setInterval(callback, ms)
      timers.add(id)
      live.timers++
      return id
    },
    clearInterval(id) {
      if (timers.delete(id)) live.timers--
      clearInterval(id as ReturnType<typeof setInterval>)
    },
    assign: () => {},
    close: () => {},
  }
  restore = setConnectEnv(env)
})

afterEach(() => {
  restore()
  vi.useRealTimers()
})

// One QueryClient per test file run is enough: every hook here uses its own mutation.
const queryClient = new QueryClient()

function wrapper({ children }: { children: ReactNode }) {
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </StrictMode>
  )
}

const tick = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))

function post(data: unknown, popup: Popup | undefined, origin = BWELL) {
  act(() => {
    window.dispatchEvent(
      new MessageEvent('message', { data, origin, source: popup?.window ?? null }),
    )
  })
}

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
  const hook = renderHook(
    () =>
      useConnectProvider({
        getRedirectUrl: async () => PROVIDER,
        allowedOrigins: [BWELL],
        ...callbacks,
        ...options,
      } as UseConnectProviderOptions),
    { wrapper },
  )
  return { ...hook, ...callbacks }
}

describe('useConnectProvider', () => {
  it('should open the popup inside connect, then report the outcome once', async () => {
    const { result, onSuccess, onError, onSettled } = setup()
    expect(result.current.status).toBe('idle')
    let attempt: Promise<ConnectionOutcome> | undefined
    act(() => {
      attempt = result.current.connect('conn-1')
      // Synchronously, before any await of the hook or the mutation.
      expect(popups).toHaveLength(1)
    })
    expect(result.current.isPending).toBe(true)
    expect(result.current.status).toBe('pending')
    expect(result.current.phase).toBe('opened')
    await tick()
    expect(popups[0]?.navigations).toEqual([PROVIDER])
    expect(result.current.phase).toBe('navigated')
    post('status-success', popups[0])
    await tick()
    expect(result.current.status).toBe('success')
    expect(result.current.phase).toBe('settled')
    expect(result.current.outcome).toMatchObject({ status: 'success', channel: 'message' })
    expect(await attempt).toBe(result.current.outcome)
    expect(onSuccess).toHaveBeenCalledTimes(1)
    expect(onError).not.toHaveBeenCalled()
    expect(onSettled).toHaveBeenCalledTimes(1)
    expect(popups[0]?.closed).toBe(true)
    expect(live).toEqual({ listeners: 0, timers: 0 })
  })

  it('should survive a StrictMode double mount with one popup and one outcome', async () => {
    const { result, onSettled, onEvent } = setup()
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    expect(popups).toHaveLength(1)
    post('status-success', popups[0])
    await tick()
    expect(onSettled).toHaveBeenCalledTimes(1)
    expect(onEvent.mock.calls.map(([event]) => event.type)).toEqual([
      'opened',
      'navigated',
      'settled',
    ])
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
    expect(popups[0]?.closed).toBe(true)
    expect(onSettled).not.toHaveBeenCalled()
    expect(onEvent).toHaveBeenCalledTimes(events)
    expect(error).not.toHaveBeenCalled()
    expect(live).toEqual({ listeners: 0, timers: 0 })
  })

  it('[SEC-18] should cancel', async () => {
    const { result, onError } = setup()
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    act(() => result.current.cancel())
    await tick()
    expect(result.current.status).toBe('aborted')
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ status: 'aborted' }))
    expect(popups[0]?.closed).toBe(true)
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
    expect(popups).toHaveLength(2)
    expect(popups[1]?.navigations).toEqual([PROVIDER])
    post('status-success', popups[1])
    expect((await again)?.status).toBe('success')
    await tick()
    expect(result.current.status).toBe('success')
  })

  it('[SEC-18] should keep two concurrent attempts apart', async () => {
    const first = setup()
    const second = setup()
    act(() => {
      void first.result.current.connect('conn-a')
    })
    act(() => {
      void second.result.current.connect('conn-b')
    })
    await tick()
    post('status-success', popups[1])
    await tick()
    expect(second.result.current.status).toBe('success')
    expect(first.result.current.status).toBe('pending')
    post('status-failure', popups[0])
    await tick()
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
    await tick()
    expect(popups[0]?.closed).toBe(true)
    expect(result.current.status).toBe('pending')
    post('status-success', popups[1])
    await tick()
    expect(result.current.status).toBe('success')
    expect(onSettled).toHaveBeenCalledTimes(1)
  })

  it('[SEC-15] should report timeout and ignore a late message', async () => {
    const { result } = setup({ timeoutMs: 5000 })
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick(4999)
    expect(result.current.status).toBe('pending')
    await tick(1)
    expect(result.current.status).toBe('timeout')
    post('status-success', popups[0])
    await tick()
    expect(result.current.status).toBe('timeout')
  })

  it('[SEC-19] should close the popup unnavigated when the client fails', async () => {
    const client = { getOauthUrl: vi.fn(() => Promise.reject(new Error('graphql'))) }
    const { result } = setup({
      getRedirectUrl: undefined,
      client,
      callbackUrl: '/connect/callback',
    })
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    expect(client.getOauthUrl).toHaveBeenCalledWith(
      'conn-1',
      expect.objectContaining({
        redirectUri: expect.stringContaining('/connect/callback?attempt='),
      }),
    )
    expect(result.current.outcome).toMatchObject({ status: 'error', channel: 'redirect-url' })
    expect(popups[0]?.navigations).toEqual([])
    expect(popups[0]?.closed).toBe(true)
  })

  it('should let one call override the mode, to continue a blocked attempt in this tab', async () => {
    const assign = vi.fn()
    const restoreOpen = setConnectEnv({ open: () => null, assign })
    try {
      const { result } = setup({ callbackUrl: '/connect/callback' })
      act(() => {
        void result.current.connect('conn-1')
      })
      await tick()
      expect(result.current.status).toBe('blocked')
      expect(assign).not.toHaveBeenCalled()
      act(() => {
        void result.current.connect('conn-1', { mode: 'redirect' })
      })
      await tick()
      expect(assign).toHaveBeenCalledTimes(1)
      expect(assign).toHaveBeenCalledWith(PROVIDER)
      expect(result.current.phase).toBe('redirecting')
    } finally {
      restoreOpen()
    }
  })

  it('should throw when neither getRedirectUrl nor client is given', () => {
    const { result } = setup({ getRedirectUrl: undefined })
    expect(() => result.current.connect('conn-1')).toThrow(TypeError)
    expect(popups).toHaveLength(0)
  })

  it('should reset to idle', async () => {
    const { result } = setup()
    act(() => {
      void result.current.connect('conn-1')
    })
    await tick()
    act(() => result.current.reset())
    await tick()
    expect(result.current.status).toBe('idle')
    expect(result.current.phase).toBe('idle')
    expect(result.current.outcome).toBeUndefined()
    expect(popups[0]?.closed).toBe(true)
  })
})

function Watcher(props: {
  popup: Window
  onComplete: () => void
  completionUrl?: string | undefined
}) {
  usePopupCompletion({
    popup: props.popup,
    allowedOrigins: [BWELL],
    timeoutMs: 10_000,
    ...(props.completionUrl && { completionUrl: props.completionUrl }),
    onComplete: props.onComplete,
  })
  return null
}

describe('usePopupCompletion', () => {
  function watch(popup: Popup, completionUrl?: string) {
    const onComplete = vi.fn()
    const view = render(
      <Watcher popup={popup.window} onComplete={onComplete} completionUrl={completionUrl} />,
      {
        wrapper,
      },
    )
    return { onComplete, view }
  }

  it('[SEC-1] [SEC-2] should complete once from an allowed message of its popup', async () => {
    const popup = makePopup()
    const { onComplete } = watch(popup)
    post('status-success', popup, 'http://127.0.0.1:40000')
    post('status-success', makePopup())
    expect(onComplete).not.toHaveBeenCalled()
    post('status-failure', popup)
    post('status-success', popup)
    await tick()
    expect(onComplete).toHaveBeenCalledTimes(1)
    expect(onComplete).toHaveBeenCalledWith({ channel: 'message', statusCode: undefined })
    expect(popup.closed).toBe(true)
  })

  it('[SEC-4] should poll the completion URL and fail closed on a repeated status_code', async () => {
    const popup = makePopup()
    popup.land(undefined)
    const { onComplete } = watch(popup, `${location.origin}/cb`)
    await tick(1500)
    expect(onComplete).not.toHaveBeenCalled()
    popup.land(`${location.origin}/cb?status_code=success&status_code=success`)
    await tick(500)
    expect(onComplete).toHaveBeenCalledWith({ channel: 'poll', statusCode: undefined })
  })

  it('[SEC-15] [SEC-17] should report timeout and closed', async () => {
    const timedOut = makePopup()
    const first = watch(timedOut)
    await tick(10_000)
    expect(first.onComplete).toHaveBeenCalledWith({ channel: 'timeout' })
    expect(timedOut.closed).toBe(true)
    const closed = makePopup()
    const second = watch(closed)
    closed.closed = true
    await tick(1000)
    expect(second.onComplete).toHaveBeenCalledWith({ channel: 'closed' })
    second.view.unmount()
    first.view.unmount()
    expect(live).toEqual({ listeners: 0, timers: 0 })
  })
})

describe('useConnectionCallback', () => {
  it('[SEC-3] should complete exactly once under StrictMode and post to its own origin', async () => {
    const posted: [unknown, string][] = []
    vi.stubGlobal('opener', {
      postMessage: (data: unknown, origin: string) => posted.push([data, origin]),
    })
    const id = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'
    history.replaceState(null, '', `/connect/callback?attempt=${id}&status_code=expired`)
    const { result } = renderHook(() => useConnectionCallback(), { wrapper })
    await tick()
    expect(result.current).toEqual({ kind: 'popup', attemptId: id, statusCode: 'expired' })
    expect(posted).toEqual([
      [
        { type: 'oauth-connect', version: 1, attemptId: id, statusCode: 'expired' },
        location.origin,
      ],
    ])
    expect(location.search).toBe('')
    history.replaceState(null, '', '/')
  })

  it('should hand a redirect-mode outcome to onRedirect', async () => {
    vi.stubGlobal('opener', null)
    const id = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd'
    sessionStorage.setItem(
      `oauth-connect:${id}`,
      JSON.stringify({
        attemptId: id,
        connectionId: 'conn-1',
        returnPath: '/sources',
        createdAt: Date.now(),
        expiresAt: Date.now() + 60_000,
      }),
    )
    history.replaceState(null, '', `/connect/callback?attempt=${id}&status_code=success`)
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
