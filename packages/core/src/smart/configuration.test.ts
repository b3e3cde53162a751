import { describe, expect, it } from 'vitest'
import { LoginError } from '../login/errors.ts'
import { parseSmartConfiguration } from './configuration.ts'

const issuer = 'http://127.0.0.1:4002'
const good = {
  issuer,
  authorization_endpoint: `${issuer}/oauth2/auth`,
  token_endpoint: `${issuer}/oauth2/token`,
  revocation_endpoint: `${issuer}/oauth2/revoke`,
  capabilities: ['launch-standalone', 'context-standalone-patient', 'permission-v2'],
  code_challenge_methods_supported: ['S256'],
  grant_types_supported: ['authorization_code', 'refresh_token'],
  scopes_supported: ['openid', 'fhirUser', 'launch/patient', 'patient/*.rs'],
  jwks_uri: `${issuer}/jwks`,
}

function codeOf(json: unknown, insecure = true): string {
  try {
    parseSmartConfiguration(json, insecure)
    return 'ok'
  } catch (error) {
    expect(error).toBeInstanceOf(LoginError)
    return (error as LoginError).code
  }
}

describe('parseSmartConfiguration', () => {
  it('should read the fields it types, capabilities included', () => {
    expect(parseSmartConfiguration(good, true)).toEqual({
      issuer,
      authorizationEndpoint: `${issuer}/oauth2/auth`,
      tokenEndpoint: `${issuer}/oauth2/token`,
      revocationEndpoint: `${issuer}/oauth2/revoke`,
      capabilities: ['launch-standalone', 'context-standalone-patient', 'permission-v2'],
      codeChallengeMethods: ['S256'],
      grantTypesSupported: ['authorization_code', 'refresh_token'],
      scopesSupported: ['openid', 'fhirUser', 'launch/patient', 'patient/*.rs'],
    })
  })

  it('should require S256, with its own code', () => {
    for (const methods of [undefined, [], ['plain'], 'S256', ['s256'], [null]]) {
      expect(codeOf({ ...good, code_challenge_methods_supported: methods })).toBe(
        'pkce_unsupported',
      )
    }
    expect(codeOf({ ...good, code_challenge_methods_supported: ['plain', 'S256'] })).toBe('ok')
  })

  it('should refuse a body that is not an object and each mistyped field', () => {
    const bad: unknown[] = [
      null,
      [],
      'null',
      42,
      { ...good, authorization_endpoint: undefined },
      { ...good, token_endpoint: 'not a url' },
      { ...good, token_endpoint: 'javascript:alert(1)' },
      { ...good, authorization_endpoint: 'http://evil.example/auth' },
      { ...good, revocation_endpoint: 'ftp://127.0.0.1/revoke' },
      { ...good, capabilities: undefined },
      { ...good, capabilities: 'launch-standalone' },
      { ...good, capabilities: [1] },
      { ...good, issuer: 42 },
      { ...good, issuer: 'not a url' },
      { ...good, scopes_supported: 'openid' },
      { ...good, grant_types_supported: [null] },
    ]
    for (const json of bad) expect(codeOf(json)).toBe('discovery_failed')
  })

  it('should refuse http: endpoints on loopback without the opt-in', () => {
    expect(codeOf(good, false)).toBe('discovery_failed')
    const https = {
      ...good,
      authorization_endpoint: 'https://ehr.example/auth',
      token_endpoint: 'https://ehr.example/token',
      revocation_endpoint: undefined,
    }
    expect(codeOf(https, false)).toBe('ok')
  })
})
