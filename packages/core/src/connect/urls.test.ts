import { describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { parseEnvelope, parseStatusCode } from './status.ts'
import { checkRedirectUrl, normalizeOrigins, sameOriginUrl } from './urls.ts'

const APP = 'http://localhost:5173'

describe('sameOriginUrl', () => {
  it.each([
    '//evil.test',
    '//evil.test/connect/callback',
    '/\\evil.test',
    '\\\\evil.test',
    'https://app@evil.test',
    'http://localhost:5173@evil.test/',
    'http://localhost:5173.evil.test/',
    'http://localhost:51730/',
    'https://localhost:5173/',
    'javascript:alert(1)',
    'data:text/html,x',
  ])('[SEC-9] should refuse %s', (value) => {
    expect(sameOriginUrl(value, APP)).toBeUndefined()
  })

  it.each([
    ['/connect/callback', `${APP}/connect/callback`],
    ['/a?b=1#c', `${APP}/a?b=1#c`],
    [`${APP}/connect/callback`, `${APP}/connect/callback`],
  ])('[SEC-9] should accept %s', (value, href) => {
    expect(sameOriginUrl(value, APP)?.href).toBe(href)
  })
})

describe('checkRedirectUrl', () => {
  it('[SEC-20] should accept https and loopback http only', () => {
    expect(checkRedirectUrl('https://a.example/x')?.href).toBe('https://a.example/x')
    expect(checkRedirectUrl('http://127.0.0.2:1/')).toBeDefined()
    expect(checkRedirectUrl('http://a.example/')).toBeUndefined()
    expect(checkRedirectUrl('javascript:alert(1)')).toBeUndefined()
    expect(checkRedirectUrl({ toString: () => 'javascript:alert(1)' })).toBeUndefined()
    expect(checkRedirectUrl('https://a.example/', ['b.example'])).toBeUndefined()
  })
})

describe('normalizeOrigins', () => {
  it('[SEC-1] should normalize and warn about non-origins in development', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(normalizeOrigins(['http://127.0.0.1:4000', 'HTTP://Example.test:80/path/'])).toEqual([
      'http://127.0.0.1:4000',
      'http://example.test',
    ])
    expect(warn).toHaveBeenCalledTimes(1)
    expect(() => normalizeOrigins(['file:///etc/passwd'])).toThrow(InvalidArgumentError)
  })
})

describe('parseStatusCode', () => {
  it('[SEC-4] should accept exactly one known, exactly cased status_code', () => {
    expect(parseStatusCode('?status_code=expired')).toBe('expired')
    expect(parseStatusCode(new URLSearchParams('status_code=unauthorized&x=1'))).toBe(
      'unauthorized',
    )
    for (const query of [
      '',
      '?status_code=',
      '?status_code=Expired',
      '?status_code=ok',
      '?status_code=success&status_code=success',
      '?Status_Code=success',
      '?status_code=success%00',
      '?status_code=constructor',
      '?status_code=toString',
    ]) {
      expect(parseStatusCode(query)).toBeUndefined()
    }
  })
})

describe('parseEnvelope', () => {
  it('[SEC-2] should accept only the versioned envelope', () => {
    const envelope = { type: 'oauth-connect', version: 1, attemptId: 'a', statusCode: 'success' }
    expect(parseEnvelope({ ...envelope, extra: 1 })).toMatchObject(envelope)
    expect(parseEnvelope({ ...envelope, version: '1' })).toBeUndefined()
    expect(parseEnvelope({ ...envelope, attemptId: 1 })).toBeUndefined()
    expect(parseEnvelope({ ...envelope, statusCode: '__proto__' })).toBeUndefined()
    expect(parseEnvelope(JSON.stringify(envelope))).toBeUndefined()
    expect(parseEnvelope(null)).toBeUndefined()
  })
})
