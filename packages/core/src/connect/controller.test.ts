import { type FakePopup, fakeWindows, memoryChannel, trackConnectEnv } from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { broadcastChannel } from './broadcast.ts'
import { connectProvider } from './connectProvider.ts'
import { ConnectionController, type ConnectionControllerOptions } from './controller.ts'
import { pollChannel } from './poll.ts'

const APP = location.origin
const BWELL = 'http://127.0.0.1:4000'
const PROVIDER = 'http://127.0.0.1:4001/consent'
const CALLBACK = `${APP}/connect/callback`

let env: ReturnType<typeof trackConnectEnv>
let windows: ReturnType<typeof fakeWindows>
const controllers: ConnectionController[] = []
const unsubscribes: (() => void)[] = []

beforeEach(() => {
  vi.useFakeTimers()
  windows = fakeWindows()
  env = trackConnectEnv({ open: windows.open, channel: memoryChannel })
})

afterEach(async () => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe()
  for (const controller of controllers.splice(0)) controller.reset()
  await vi.advanceTimersByTimeAsync(1)
  env.restore()
  vi.useRealTimers()
  sessionStorage.clear()
})

function create(options: Partial<ConnectionControllerOptions> = {}) {
  const callbacks = {
    onSuccess: vi.fn(),
    onError: vi.fn(),
    onSettled: vi.fn(),
    onEvent: vi.fn(),
  }
  const controller = new ConnectionController({
    allowedOrigins: [BWELL],
    getRedirectUrl: async () => PROVIDER,
    ...callbacks,
    ...options,
  })
  controllers.push(controller)
  const notified = vi.fn()
  unsubscribes.push(controller.subscribe(notified))
  return { controller, notified, ...callbacks }
}

const popupAt = (index: number) => windows.popups[index] as FakePopup

function post(data: unknown, origin: string, source: FakePopup) {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source: source.window }))
}

const envelope = (attemptId: string, statusCode: string) => ({
  type: 'oauth-connect',
  version: 1,
  attemptId,
  statusCode,
})

describe('ConnectionController', () => {
  it('should show the attempt through its phases in stable snapshots', async () => {
    const { controller, notified, onEvent } = create()
    expect(controller.getSnapshot()).toMatchObject({
      status: 'idle',
      phase: 'idle',
      isPending: false,
    })
    void controller.connect('conn-1')
    const opened = controller.getSnapshot()
    expect(opened).toMatchObject({ status: 'pending', phase: 'opened', isPending: true })
    expect(opened.attempt?.connectionId).toBe('conn-1')
    expect(controller.getSnapshot()).toBe(opened)
    await vi.advanceTimersByTimeAsync(0)
    expect(controller.getSnapshot().phase).toBe('navigated')
    post('status-success', BWELL, popupAt(0))
    expect(controller.getSnapshot()).toMatchObject({
      status: 'success',
      phase: 'settled',
      isPending: false,
      outcome: { status: 'success', attemptId: opened.attempt?.attemptId },
    })
    expect(onEvent.mock.calls.map(([event]) => event.type)).toEqual([
      'opened',
      'navigated',
      'settled',
    ])
    expect(notified).toHaveBeenCalledTimes(3)
  })

  it('[SEC-37] should report a completion exactly once when several signals arrive at once', async () => {
    const { controller, onSuccess, onError, onSettled, onEvent } = create({
      callbackUrl: '/connect/callback',
      channels: ['message', pollChannel, broadcastChannel, 'closed'],
      pollIntervalMs: 100,
    })
    const pending = controller.connect('conn-1')
    await vi.advanceTimersByTimeAsync(0)
    const attemptId = controller.getSnapshot().attempt?.attemptId ?? ''
    const popup = popupAt(0)
    // All in one task: the callback page's message and broadcast, its URL, the window closing.
    const sender = memoryChannel(`oauth-connect:${attemptId}`)
    sender.postMessage(envelope(attemptId, 'success'))
    post(envelope(attemptId, 'success'), APP, popup)
    post(envelope(attemptId, 'cancelled'), APP, popup)
    popup.land(`${CALLBACK}?status_code=success`)
    popup.markClosed()
    sender.close()
    await vi.advanceTimersByTimeAsync(2000)
    expect(await pending).toMatchObject({ status: 'success', channel: 'message' })
    expect(onSuccess).toHaveBeenCalledTimes(1)
    expect(onSettled).toHaveBeenCalledTimes(1)
    expect(onError).not.toHaveBeenCalled()
    expect(onEvent.mock.calls.filter(([event]) => event.type === 'settled')).toHaveLength(1)
  })

  it('[SEC-35] should show the open attempt of the same connection and focus it, from another controller too', async () => {
    const first = create()
    const second = create()
    const a = first.controller.connect('conn-1')
    const b = second.controller.connect('conn-1')
    expect(b).toBe(a)
    expect(windows.popups).toHaveLength(1)
    expect(popupAt(0).focusCalls).toBe(1)
    expect(second.controller.getSnapshot().attempt).toEqual(first.controller.getSnapshot().attempt)
    await vi.advanceTimersByTimeAsync(0)
    expect(second.controller.getSnapshot().phase).toBe('navigated')
    post('status-success', BWELL, popupAt(0))
    expect(first.onSettled).toHaveBeenCalledTimes(1)
    expect(second.onSettled).toHaveBeenCalledTimes(1)
    expect(second.controller.getSnapshot().status).toBe('success')
  })

  it('should show an attempt connectProvider started, and report its outcome once', async () => {
    const started = connectProvider({
      connectionId: 'conn-1',
      allowedOrigins: [BWELL],
      getRedirectUrl: async () => PROVIDER,
    })
    const { controller, onSettled } = create()
    expect(controller.connect('conn-1')).toBe(started)
    expect(controller.getSnapshot().status).toBe('pending')
    await vi.advanceTimersByTimeAsync(0)
    post('status-failure', BWELL, popupAt(0))
    await vi.advanceTimersByTimeAsync(0)
    expect(controller.getSnapshot().status).toBe('error')
    expect(onSettled).toHaveBeenCalledTimes(1)
  })

  it('[SEC-18] should abort the attempt when the last subscriber leaves, and report nothing after', async () => {
    const { controller, onSettled, onEvent, notified } = create()
    const pending = controller.connect('conn-1')
    await vi.advanceTimersByTimeAsync(0)
    onEvent.mockClear()
    notified.mockClear()
    unsubscribes.pop()?.()
    expect(await pending).toMatchObject({ status: 'aborted' })
    await vi.advanceTimersByTimeAsync(1)
    expect(popupAt(0).closeCalls).toBe(1)
    expect(onSettled).not.toHaveBeenCalled()
    expect(onEvent).not.toHaveBeenCalled()
    expect(notified).not.toHaveBeenCalled()
    expect(env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
  })

  it('should abort the attempt on show when connecting another connection, after opening it', async () => {
    const { controller, onError } = create()
    const first = controller.connect('conn-a')
    const second = controller.connect('conn-b')
    expect(windows.popups).toHaveLength(2)
    expect(await first).toMatchObject({ status: 'aborted' })
    // The attempt on show is the new one: the old one's outcome is not reported.
    expect(onError).not.toHaveBeenCalled()
    expect(controller.getSnapshot()).toMatchObject({ status: 'pending' })
    expect(controller.getSnapshot().attempt?.connectionId).toBe('conn-b')
    controller.cancel()
    expect(await second).toMatchObject({ status: 'aborted' })
    expect(onError).toHaveBeenCalledTimes(1)
  })

  it('[SEC-16] should report a blocked popup once, with nothing left', async () => {
    windows.block()
    const { controller, onError, onSettled } = create()
    expect(await controller.connect('conn-1')).toMatchObject({ status: 'blocked' })
    await vi.advanceTimersByTimeAsync(1)
    expect(controller.getSnapshot().status).toBe('blocked')
    expect(onError).toHaveBeenCalledTimes(1)
    expect(onSettled).toHaveBeenCalledTimes(1)
    expect(env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
  })

  it('should go back to idle on reset, without reporting the aborted attempt', async () => {
    const { controller, onSettled } = create()
    const pending = controller.connect('conn-1')
    controller.reset()
    expect(controller.getSnapshot()).toMatchObject({ status: 'idle', attempt: undefined })
    expect(await pending).toMatchObject({ status: 'aborted' })
    expect(onSettled).not.toHaveBeenCalled()
  })

  it('should use the latest options for the next attempt and report', async () => {
    const { controller } = create()
    const later = vi.fn()
    controller.setOptions({
      allowedOrigins: [BWELL],
      getRedirectUrl: async () => 'https://provider.example/authorize',
      onSettled: later,
    })
    void controller.connect('conn-1')
    await vi.advanceTimersByTimeAsync(0)
    expect(popupAt(0).navigations).toEqual(['https://provider.example/authorize'])
    post('status-success', BWELL, popupAt(0))
    expect(later).toHaveBeenCalledTimes(1)
  })
})
