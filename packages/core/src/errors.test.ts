import { describe, expect, it } from 'vitest'
import {
  INVALID_ARGUMENT,
  InvalidArgumentError,
  isOAuthConnectError,
  OAuthConnectError,
} from './errors.ts'

describe('errors', () => {
  it('should keep code, message and cause', () => {
    const cause = new Error('socket hang up')
    const error = new OAuthConnectError('timeout', 'no answer from "token_endpoint"', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('OAuthConnectError')
    expect(error.code).toBe('timeout')
    expect(error.message).toBe('no answer from "token_endpoint"')
    expect(error.cause).toBe(cause)
  })

  it('should make argument errors TypeErrors with a code', () => {
    const error = new InvalidArgumentError('"timeoutMs" must be a positive integer')
    expect(error).toBeInstanceOf(TypeError)
    expect(error.name).toBe('InvalidArgumentError')
    expect(error.code).toBe(INVALID_ARGUMENT)
    expect(isOAuthConnectError(error)).toBe(false)
  })

  it('should narrow by code', () => {
    const error: unknown = new OAuthConnectError('denied', 'access denied')
    expect(isOAuthConnectError(error)).toBe(true)
    expect(isOAuthConnectError(error, 'denied')).toBe(true)
    expect(isOAuthConnectError(error, 'timeout')).toBe(false)
    expect(isOAuthConnectError(new Error('x'))).toBe(false)
  })
})
