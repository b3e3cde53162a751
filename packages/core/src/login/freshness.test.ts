import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isFresh, REFRESH_LEEWAY_MS } from './freshness.ts'
import type { Session } from './session.ts'

const session = (expiresAt: number | undefined): Session => ({
  accessToken: 'at',
  expiresAt,
  refreshToken: 'rt',
  idToken: undefined,
  claims: undefined,
})

describe('isFresh', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('should keep a token that outlives the leeway', () => {
    expect(isFresh(session(Date.now() + REFRESH_LEEWAY_MS + 1))).toBe(true)
  })

  it('should refresh a token once it expires within the leeway', () => {
    expect(isFresh(session(Date.now() + REFRESH_LEEWAY_MS))).toBe(false)
    expect(isFresh(session(Date.now() - 1))).toBe(false)
  })

  it('should keep a token the server gave no expires_in', () => {
    expect(isFresh(session(undefined))).toBe(true)
  })
})
