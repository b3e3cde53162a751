import { BwellError } from '@oauth-connect/react/bwell'
import { describe, expect, it } from 'vitest'
import { errorText } from './errorText.ts'

describe('errorText', () => {
  it("should show b.well's own words, not the transport's dump", () => {
    const transport = new Error('graphql errors: {"response":{"data":null,"errors":[…]}}')
    const error = new BwellError('graphql_error', 'graphql errors in "createConnection"', {
      cause: transport,
      graphqlCode: '400',
      issues: [
        { code: 'value', severity: 'error', details: 'the username or password was not accepted' },
      ],
    })
    expect(errorText(new Error('could not connect', { cause: error }))).toBe(
      'could not connect: the username or password was not accepted',
    )
  })

  it('should say first that b.well refused the session', () => {
    const error = new BwellError('unauthorized', 'b.well refused "getToken"', {
      issues: [
        { code: 'security', severity: 'error', details: 'the identity token was not accepted' },
      ],
    })
    expect(errorText(error)).toBe('b.well refused "getToken": the identity token was not accepted')
  })

  it('should fall back to the message of a b.well error without issues, and chain plain causes', () => {
    const error = new BwellError('unauthorized', 'b.well refused "getToken"')
    expect(errorText(error)).toBe('b.well refused "getToken"')
    expect(errorText(new Error('a', { cause: new Error('b') }))).toBe('a: b')
    expect(errorText('nope')).toBe('unknown error')
  })
})
