import { beforeEach, describe, expect, it } from 'vitest'
import {
  completionModes,
  defaultSettings,
  readSettings,
  returnTargetOf,
  returnTargets,
  tokenStorageFor,
  writeSettings,
} from './settings.ts'

describe('settings', () => {
  it('should read the defaults from an empty query', () => {
    expect(readSettings('')).toEqual(defaultSettings)
  })

  it('should round-trip every field through the query', () => {
    const settings = {
      mode: 'broadcast',
      timeoutMs: 1500,
      loginPopup: true,
      storage: 'session',
    } as const
    expect(readSettings(writeSettings('', settings))).toEqual(settings)
  })

  it('should leave defaults out of the query and keep other parameters', () => {
    expect(writeSettings('?x=1&mode=poll', defaultSettings)).toBe('?x=1')
  })

  it('should fall back to the default for unknown or out-of-range values', () => {
    const read = readSettings('?mode=evil&timeout=5&signin=yes&storage=local')
    expect(read).toEqual(defaultSettings)
    expect(readSettings('?timeout=1.5').timeoutMs).toBe(defaultSettings.timeoutMs)
    expect(readSettings('?timeout=99999999').timeoutMs).toBe(defaultSettings.timeoutMs)
  })
})

describe('return targets', () => {
  it('should send only the hosted mode through the hosted page, every other mode to /connect/callback', () => {
    expect(completionModes.map((m) => [m.value, returnTargetOf(m.value)])).toEqual([
      ['hosted', 'hosted'],
      ['poll', 'custom'],
      ['broadcast', 'custom'],
      ['redirect', 'custom'],
      ['auto', 'custom'],
    ])
  })

  it("should start each target with one of that target's own modes", () => {
    for (const target of returnTargets) {
      expect(returnTargetOf(target.defaultMode)).toBe(target.value)
    }
  })
})

describe('tokenStorageFor', () => {
  beforeEach(() => sessionStorage.clear())

  it("should remember the main page's choice for the callback routes, whose URL has none", () => {
    expect(tokenStorageFor('/callback', '')).toBe('memory')
    expect(tokenStorageFor('/', '?storage=session')).toBe('session')
    expect(tokenStorageFor('/callback', '?code=x&state=y')).toBe('session')
    expect(tokenStorageFor('/connect/callback', '?attempt=a')).toBe('session')
    expect(tokenStorageFor('/', '')).toBe('memory')
    expect(tokenStorageFor('/callback', '?storage=session')).toBe('memory')
  })
})
