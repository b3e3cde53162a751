import { beforeEach, describe, expect, it } from 'vitest'
import { dpopFor, withDpop } from './dpopSetting.ts'

describe('the DPoP switch', () => {
  beforeEach(() => {
    sessionStorage.clear()
  })

  it('reads ?dpop=on on the main page and remembers it for the callback page', () => {
    expect(dpopFor('/', '?dpop=on')).toBe(true)
    expect(dpopFor('/callback', '?code=c&state=s')).toBe(true)
    expect(dpopFor('/', '')).toBe(false)
    expect(dpopFor('/callback', '?code=c&state=s')).toBe(false)
  })

  it('is remembered for the SMART callback page too', () => {
    expect(dpopFor('/', '?dpop=on')).toBe(true)
    expect(dpopFor('/smart/callback', '?code=c&state=s')).toBe(true)
    expect(dpopFor('/smart/callback', '?code=c&state=s')).toBe(true)
    expect(dpopFor('/', '')).toBe(false)
    expect(dpopFor('/smart/callback', '?dpop=on')).toBe(false)
  })

  it('takes only "on", and a callback URL cannot turn it on', () => {
    expect(dpopFor('/', '?dpop=1')).toBe(false)
    expect(dpopFor('/callback', '?dpop=on')).toBe(false)
  })

  it('sets and clears the parameter, keeping the other settings', () => {
    expect(withDpop('/', '?mode=poll', true)).toBe('/?mode=poll&dpop=on')
    expect(withDpop('/', '?mode=poll&dpop=on', false)).toBe('/?mode=poll')
    expect(withDpop('/', '?dpop=on', false)).toBe('/')
  })
})
