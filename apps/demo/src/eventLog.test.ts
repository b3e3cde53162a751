import { describe, expect, it, vi } from 'vitest'
import { EventLog } from './eventLog.ts'

describe('EventLog', () => {
  it('should group phases by attempt, newest attempt first, and keep the result', () => {
    const log = new EventLog()
    const listener = vi.fn()
    log.subscribe(listener)
    log.record('a', 'Riverside', { type: 'opened', at: 1 })
    log.record('b', 'Summit', { type: 'opened', at: 2 })
    log.record(
      'a',
      'ignored',
      { type: 'settled', at: 9 },
      {
        status: 'success',
        channel: 'message',
        elapsedMs: 8,
      },
    )
    const [first, second] = log.getSnapshot()
    expect(first?.attemptId).toBe('b')
    expect(second).toEqual({
      attemptId: 'a',
      label: 'Riverside',
      phases: [
        { type: 'opened', at: 1 },
        { type: 'settled', at: 9 },
      ],
      result: { status: 'success', channel: 'message', elapsedMs: 8 },
    })
    expect(listener).toHaveBeenCalledTimes(3)
  })

  it('should empty on clear', () => {
    const log = new EventLog()
    log.record('a', 'x', { type: 'opened', at: 1 })
    log.clear()
    expect(log.getSnapshot()).toEqual([])
  })
})
