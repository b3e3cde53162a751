import { describe, expect, it } from 'vitest'
import { standardClaims } from './claims.ts'

describe('standardClaims', () => {
  it('should keep standard claims of their standard type and other claims as they are', () => {
    const claims = standardClaims({
      iss: 'https://auth.example',
      sub: 'amy.shaw',
      name: 'Amy V. Shaw',
      email_verified: true,
      updated_at: 1_700_000_000,
      address: { locality: 'Boston' },
      fhirUser: 'Patient/amy-shaw',
    })
    expect(claims).toEqual({
      iss: 'https://auth.example',
      sub: 'amy.shaw',
      name: 'Amy V. Shaw',
      email_verified: true,
      updated_at: 1_700_000_000,
      address: { locality: 'Boston' },
      fhirUser: 'Patient/amy-shaw',
    })
  })

  it('should drop a standard claim whose value has another type', () => {
    const claims = standardClaims({
      iss: 'https://auth.example',
      sub: 'amy.shaw',
      name: 42,
      email: ['a@example.com'],
      email_verified: 'true',
      updated_at: '2024-01-01',
      address: null,
      birthdate: '1987-02-20',
    })
    expect(claims).toEqual({
      iss: 'https://auth.example',
      sub: 'amy.shaw',
      birthdate: '1987-02-20',
    })
  })

  it('should pass undefined through', () => {
    expect(standardClaims(undefined)).toBeUndefined()
  })
})
