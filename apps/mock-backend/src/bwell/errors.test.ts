import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockForTests, startMockForTests } from '../testing.ts'
import { toBwellErrors } from './graphql.ts'
import { openSession, type TestSession } from './testHelpers.ts'

/** Asserts b.well's error shape: only `code` and an OperationOutcome in `extensions`. */
function expectBwellError(error: unknown, code: string, issueCode: string) {
  expect(error).toMatchObject({
    message: expect.any(String),
    extensions: {
      code,
      resource: {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: issueCode, details: { text: expect.any(String) } }],
      },
    },
  })
  const extensions = (error as { extensions: Record<string, unknown> }).extensions
  expect(Object.keys(extensions).sort()).toEqual(['code', 'resource'])
}

describe('b.well errors', () => {
  let mock: MockForTests
  let session: TestSession
  beforeAll(async () => {
    mock = await startMockForTests()
    session = await openSession(mock)
  })
  afterAll(async () => {
    await mock.close()
  })

  const post = (body: string, contentType = 'application/json') =>
    fetch(mock.graphqlEndpoint, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${session.accessToken}` },
      body,
    })

  it.each([
    ['invalid JSON', '{"'],
    ['a parse error', JSON.stringify({ query: '{ searchHealthResources(' })],
    ['an unknown field', JSON.stringify({ query: '{ unknownField(query: "") { id } }' })],
    [
      'an unknown argument',
      JSON.stringify({
        query: '{ getOauthUrl(connectionId: "x", redirectUri: "y") { redirectUrl } }',
      }),
    ],
    [
      'a wrong variable type',
      JSON.stringify({
        query: 'query($c: String!) { getDataSource(connectionId: $c) { id } }',
        variables: { c: 5 },
      }),
    ],
    [
      'an unknown enum value',
      JSON.stringify({
        query: '{ searchHealthResources(searchInput: { searchContext: NOPE }) { results { id } } }',
      }),
    ],
  ])('should answer %s with HTTP 200 and a 400 value error, no stack trace', async (_, body) => {
    const res = await post(body)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const json = await res.json()
    expect(json.errors.length).toBeGreaterThan(0)
    for (const error of json.errors) expectBwellError(error, '400', 'value')
    expect(JSON.stringify(json)).not.toMatch(/stack|\.ts:\d+|\.js:\d+|node_modules/)
  })

  it('should answer a GET with 405 in the same shape', async () => {
    const res = await fetch(mock.graphqlEndpoint)
    expect(res.status).toBe(405)
    expectBwellError((await res.json()).errors[0], '400', 'value')
  })

  it('should keep b.well errors, reshape yoga’s own and mask anything else as 500', () => {
    const bwell = {
      message: 'no data source has connectionId "x"',
      path: ['getDataSource'],
      extensions: {
        code: '404',
        resource: { resourceType: 'OperationOutcome', issue: [] },
        extra: 1,
      },
    }
    const out = toBwellErrors({
      data: { partial: true },
      errors: [
        bwell,
        { message: 'Syntax Error: Expected Name', extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
        { message: 'Variable "$c" got invalid value 5', locations: [{ line: 1, column: 7 }] },
        {
          message: 'connect ECONNREFUSED 10.0.0.1 at db.ts:12',
          extensions: { code: 'INTERNAL_SERVER_ERROR', stack: 'x' },
        },
        {
          message: 'Cannot return null for non-nullable field Query.getToken.',
          path: ['getToken'],
        },
        'not even an object',
      ],
    }) as { data: unknown; errors: { message: string; extensions: { code: string } }[] }
    expect(out.data).toEqual({ partial: true })
    expect(out.errors[0]).toEqual({
      message: bwell.message,
      path: bwell.path,
      extensions: { code: '404', resource: bwell.extensions.resource },
    })
    expectBwellError(out.errors[1], '400', 'value')
    expect(out.errors[1]?.message).toBe('Syntax Error: Expected Name')
    expectBwellError(out.errors[2], '400', 'value')
    for (const masked of out.errors.slice(3)) {
      expectBwellError(masked, '500', 'exception')
      expect(masked.message).toBe('an internal error occurred')
    }
    expect(JSON.stringify(out)).not.toContain('ECONNREFUSED')
  })
})
