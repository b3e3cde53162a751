import { beforeEach, describe, expect, it } from 'vitest'
import { checkCallback, stripCallbackParams } from './callback.ts'
import { LoginError } from './errors.ts'
import type { Transaction } from './transaction.ts'

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

describe('checkCallback', () => {
  const attempt: Transaction = {
    state: 'st-1',
    verifier: 'v'.repeat(43),
    nonce: undefined,
    returnTo: '/',
    createdAt: 0,
  }
  const codeOf = (run: () => void) => {
    try {
      run()
      return undefined
    } catch (error) {
      return error instanceof LoginError ? error.code : error
    }
  }

  it('accepts the code and state of the stored attempt', () => {
    const url = new URL('https://app.example/callback?code=c&state=st-1&iss=https%3A%2F%2Fas')
    expect(codeOf(() => checkCallback(url, 'st-1', attempt))).toBeUndefined()
  })

  it('[SEC-21] refuses implicit and hybrid parameters in the query or the fragment', () => {
    for (const href of [
      'https://app.example/callback?code=c&state=st-1&id_token=x',
      'https://app.example/callback?code=c&state=st-1#access_token=x',
      'https://app.example/callback#token=x&state=st-1',
    ]) {
      expect(codeOf(() => checkCallback(new URL(href), 'st-1', attempt))).toBe(
        'implicit_response_refused',
      )
    }
  })

  it('refuses a callback with no stored attempt, or another state', () => {
    const url = new URL('https://app.example/callback?code=c&state=st-1')
    expect(codeOf(() => checkCallback(url, 'st-1', undefined))).toBe('missing_transaction')
    expect(codeOf(() => checkCallback(url, 'st-2', attempt))).toBe('state_mismatch')
    expect(codeOf(() => checkCallback(url, undefined, attempt))).toBe('state_mismatch')
  })
})
