import { fakePopup, trackConnectEnv } from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CLOSED_GRACE_MS, startRace } from './race.ts'

let env: ReturnType<typeof trackConnectEnv>

beforeEach(() => {
  vi.useFakeTimers()
  env = trackConnectEnv()
})

afterEach(() => {
  env.restore()
  vi.useRealTimers()
})

describe('startRace', () => {
  it('should settle once, report the winner before the teardown, and tear down in the next task', async () => {
    const order: string[] = []
    const onSettled = vi.fn()
    const race = startRace<string>({ timeoutMs: 1000, end: (reason) => reason, onSettled })
    race.add(() => order.push('teardown'))
    void race.promise.then((value) => order.push(`resolved ${value}`))
    race.settle('first')
    race.settle('second')
    expect(race.done()).toBe(true)
    expect(onSettled).toHaveBeenCalledExactlyOnceWith('first')
    expect(race.signal.aborted).toBe(false)
    await Promise.resolve()
    expect(order).toEqual(['resolved first'])
    await vi.advanceTimersByTimeAsync(0)
    expect(order).toEqual(['resolved first', 'teardown'])
    expect(race.signal.aborted).toBe(true)
    expect(env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
    await vi.advanceTimersByTimeAsync(5000)
    expect(onSettled).toHaveBeenCalledTimes(1)
  })

  it('should end as timeout at timeoutMs and as aborted on the signal', async () => {
    const timed = startRace<string>({ timeoutMs: 1000, end: (reason) => reason })
    await vi.advanceTimersByTimeAsync(999)
    expect(timed.done()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await timed.promise).toBe('timeout')
    const controller = new AbortController()
    const aborted = startRace<string>({
      timeoutMs: 1000,
      signal: controller.signal,
      end: (reason) => reason,
    })
    controller.abort()
    expect(await aborted.promise).toBe('aborted')
    expect(
      await startRace({ timeoutMs: 1, signal: AbortSignal.abort(), end: (r) => r }).promise,
    ).toBe('aborted')
    await vi.advanceTimersByTimeAsync(1)
    expect(env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
  })

  it('[SEC-17] should give a closed popup one grace period for late signals, then end as closed', async () => {
    const popup = fakePopup()
    const race = startRace<string>({ timeoutMs: 60_000, end: (reason) => reason })
    race.watch(() => popup.window.closed, 100)
    popup.markClosed()
    await vi.advanceTimersByTimeAsync(100 + CLOSED_GRACE_MS - 1)
    expect(race.done()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await race.promise).toBe('closed')

    const late = startRace<string>({ timeoutMs: 60_000, end: (reason) => reason })
    late.watch(() => true, 100)
    await vi.advanceTimersByTimeAsync(100 + CLOSED_GRACE_MS - 1)
    late.settle('late message')
    expect(await late.promise).toBe('late message')
  })

  it('[SEC-17] should detach instead when told, and keep the race open until the timeout', async () => {
    const onDetached = vi.fn()
    const race = startRace<string>({ timeoutMs: 10_000, end: (reason) => reason })
    race.watch(() => true, 100, onDetached)
    await vi.advanceTimersByTimeAsync(5000)
    expect(onDetached).toHaveBeenCalledTimes(1)
    expect(race.done()).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(await race.promise).toBe('timeout')
  })
})
