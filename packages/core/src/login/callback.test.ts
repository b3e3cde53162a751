import { beforeEach, describe, expect, it } from 'vitest'
import { stripCallbackParams } from './callback.ts'

describe('stripCallbackParams', () => {
  beforeEach(() => {
    history.replaceState(null, '', '/')
  })

  it('[SEC-11] should remove the authorization response from the address bar, keeping the rest', () => {
    history.replaceState(
      { keep: 1 },
      '',
      '/callback?code=c&state=s&iss=i&session_state=x&view=full#top',
    )
    const cleaned = stripCallbackParams(new URL(location.href))
    expect(cleaned).toBe(`${location.origin}/callback?view=full#top`)
    expect(location.href).toBe(cleaned)
    expect(history.state).toEqual({ keep: 1 })
  })

  it('should leave the address bar alone for a URL that is not the current one', () => {
    history.replaceState(null, '', '/records')
    expect(stripCallbackParams(new URL(`${location.origin}/callback?code=c`))).toBeUndefined()
    expect(location.pathname).toBe('/records')
  })
})
