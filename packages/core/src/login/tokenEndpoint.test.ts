import type { TokenEndpointResponse } from 'oauth4webapi'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRequests } from './requests.ts'
import { callTokenEndpoint, oauthError, toSession } from './tokenEndpoint.ts'

const response = (fields: Partial<TokenEndpointResponse>): TokenEndpointResponse =>
  ({ access_token: 'at', token_type: 'bearer', ...fields }) as TokenEndpointResponse

afterEach(() => {
  vi.useRealTimers()
})

describe('toSession', () => {
  it('should compute expiresAt from expires_in and keep what a refresh does not replace', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_000_000)
    const previous = {
      accessToken: 'old',
      expiresAt: 0,
      refreshToken: 'rt-1',
      idToken: 'id-1',
      claims: { iss: 'https://auth.example', sub: 'amy.shaw' },
    }
    expect(toSession(response({ expires_in: 3599 }), previous)).toEqual({
      accessToken: 'at',
      expiresAt: 1_000_000 + 3_599_000,
      refreshToken: 'rt-1',
      idToken: 'id-1',
      claims: previous.claims,
    })
    expect(toSession(response({ refresh_token: 'rt-2' }), previous)).toMatchObject({
      expiresAt: undefined,
      refreshToken: 'rt-2',
    })
  })

  it('should refuse a token_type other than bearer', () => {
    expect(() => toSession(response({ token_type: 'dpop' }), undefined)).toThrow(
      expect.objectContaining({ code: 'token_response_invalid' }),
    )
  })
})

describe('oauthError', () => {
  it.each([
    [{ error: 'invalid_grant' }, false, 'invalid_grant'],
    [{ error: 'access_denied' }, true, 'denied'],
    [{ error: 'server_error' }, true, 'authorization_failed'],
    [{ error: 'invalid_client' }, false, 'token_response_invalid'],
    [new TypeError('bad body'), false, 'token_response_invalid'],
  ])('should map %o (callback: %s) to %s', (cause, callback, code) => {
    const error = oauthError(cause, 'token_response_invalid', callback)
    expect(error.code).toBe(code)
    expect(error.cause).toBe(cause)
  })

  it('should keep the description as plain text and name the error in the message', () => {
    const error = oauthError(
      { error: 'invalid_grant', error_description: '<b>used</b>' },
      'token_response_invalid',
    )
    expect(error.message).toBe('"token_endpoint" failed with "error" invalid_grant')
    expect(error.description).toBe('<b>used</b>')
  })
})

describe('callTokenEndpoint', () => {
  it('should turn a failed fetch into network_error', async () => {
    const cause = new TypeError('Failed to fetch')
    const error = await callTokenEndpoint(
      createRequests(1_000).run,
      () => Promise.reject(cause),
      () => Promise.reject(new Error('not reached')),
    ).catch((reason: unknown) => reason)
    expect(error).toMatchObject({ name: 'LoginError', code: 'network_error', cause })
  })

  it('should give the processor a buffered response', async () => {
    const result = await callTokenEndpoint(
      createRequests(1_000).run,
      async () => new Response('{"access_token":"at","token_type":"bearer"}'),
      async (buffered) => (await buffered.clone().json()) as TokenEndpointResponse,
    )
    expect(result).toEqual({ access_token: 'at', token_type: 'bearer' })
  })
})
