import { calculatePKCECodeChallenge } from 'oauth4webapi'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  authorizationUrl,
  dropExpiredTransaction,
  saveTransaction,
  TRANSACTION_TTL_MS,
  type Transaction,
  takeTransaction,
} from './transaction.ts'

const KEY = 'oauth-connect:login:transaction-test:transaction'

const attempt = (createdAt: number): Transaction => ({
  state: 'st',
  verifier: 'v'.repeat(43),
  nonce: undefined,
  returnTo: '/records',
  createdAt,
})

describe('transaction store', () => {
  beforeEach(() => {
    sessionStorage.clear()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(5_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('[SEC-8] should hand the stored attempt to the first reader only', () => {
    saveTransaction(KEY, attempt(Date.now()))
    expect(takeTransaction(KEY)).toEqual(attempt(5_000_000))
    expect(takeTransaction(KEY)).toBeUndefined()
    expect(sessionStorage.getItem(KEY)).toBeNull()
  })

  it('should treat a malformed attempt as missing and remove it', () => {
    sessionStorage.setItem(KEY, '{"state":1')
    expect(takeTransaction(KEY)).toBeUndefined()
    sessionStorage.setItem(KEY, JSON.stringify({ ...attempt(Date.now()), verifier: 7 }))
    expect(takeTransaction(KEY)).toBeUndefined()
    expect(sessionStorage.getItem(KEY)).toBeNull()
  })

  it('should treat an attempt as missing once it is ten minutes old', () => {
    saveTransaction(KEY, attempt(Date.now()))
    vi.setSystemTime(5_000_000 + TRANSACTION_TTL_MS)
    expect(takeTransaction(KEY)).toBeUndefined()
  })

  it('[SEC-10] should drop an abandoned attempt and keep a live one', () => {
    saveTransaction(KEY, attempt(Date.now()))
    vi.setSystemTime(5_000_000 + TRANSACTION_TTL_MS - 1)
    dropExpiredTransaction(KEY)
    expect(sessionStorage.getItem(KEY)).not.toBeNull()
    vi.setSystemTime(5_000_000 + TRANSACTION_TTL_MS)
    dropExpiredTransaction(KEY)
    expect(sessionStorage.getItem(KEY)).toBeNull()
  })
})

describe('authorizationUrl', () => {
  it("sends PKCE S256, state, nonce and the app's parameters, which never replace the client's", async () => {
    const transaction = { ...attempt(0), nonce: 'n-1' }
    const url = await authorizationUrl(
      { issuer: 'https://as.example', authorization_endpoint: 'https://as.example/auth?x=1' },
      {
        clientId: 'app',
        redirectUri: 'https://app.example/callback',
        scope: 'openid launch/patient',
        authorizationParams: { aud: 'https://fhir.example', state: 'forged', client_id: 'other' },
      },
      'https://app.example/callback',
      transaction,
      { prompt: 'login' },
    )
    expect(url.origin + url.pathname).toBe('https://as.example/auth')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      x: '1',
      aud: 'https://fhir.example',
      response_type: 'code',
      client_id: 'app',
      redirect_uri: 'https://app.example/callback',
      scope: 'openid launch/patient',
      state: 'st',
      code_challenge: await calculatePKCECodeChallenge(transaction.verifier),
      code_challenge_method: 'S256',
      nonce: 'n-1',
      prompt: 'login',
    })
  })
})
