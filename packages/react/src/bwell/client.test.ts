import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createBwellClient } from './client.ts'
import { BwellError } from './errors.ts'

type Reply = { status?: number; type?: string; body: string }

let server: Server
let endpoint: string
let reply: Reply = { body: '{}' }
const requests: {
  headers: IncomingMessage['headers']
  body: { query: string; variables: Record<string, unknown> }
}[] = []

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // happy-dom's fetch applies CORS from the test page's origin, as a browser would.
    response.setHeader('access-control-allow-origin', '*')
    response.setHeader('access-control-allow-headers', 'authorization, content-type, accept')
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end()
      return
    }
    let raw = ''
    request.on('data', (chunk: Buffer) => {
      raw += chunk.toString()
    })
    request.on('end', () => {
      requests.push({ headers: request.headers, body: JSON.parse(raw) })
      response.writeHead(reply.status ?? 200, {
        'content-type': reply.type ?? 'application/graphql-response+json; charset=utf-8',
      })
      response.end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/graphql`
})

afterEach(() => {
  requests.length = 0
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

const json = (value: unknown, status = 200): Reply => ({ status, body: JSON.stringify(value) })
const client = () => createBwellClient({ endpoint, getAccessToken: async () => 'token-123' })

async function failure(promise: Promise<unknown>): Promise<BwellError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(BwellError)
  return error as BwellError
}

describe('createBwellClient', () => {
  it('should fetch the OAuth URL with the bearer token and the redirect URI', async () => {
    reply = json({ data: { getOauthUrl: { redirectUrl: 'http://127.0.0.1:4001/consent?x=1' } } })
    const url = await client().getOauthUrl('conn-1', {
      redirectUri: 'http://localhost:5173/cb?attempt=a',
    })
    expect(url).toBe('http://127.0.0.1:4001/consent?x=1')
    expect(requests[0]?.headers.authorization).toBe('Bearer token-123')
    expect(requests[0]?.body.variables).toEqual({
      connectionId: 'conn-1',
      redirectUri: 'http://localhost:5173/cb?attempt=a',
    })
    expect(requests[0]?.body.query).toContain(
      'getOauthUrl(connectionId: $connectionId, redirectUri: $redirectUri)',
    )
  })

  it('[SEC-19] should turn GraphQL errors with null data into a typed error', async () => {
    reply = json({
      data: null,
      errors: [{ message: 'not signed in', extensions: { code: 'UNAUTHENTICATED' } }],
    })
    const error = await failure(client().getOauthUrl('conn-1'))
    expect(error.code).toBe('graphql_error')
    expect(error.graphqlCode).toBe('UNAUTHENTICATED')
    expect(error.message).toBe('graphql errors in "getOauthUrl"')
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('[SEC-19] should turn GraphQL errors with partial data into a typed error', async () => {
    reply = json({
      data: { getOauthUrl: { redirectUrl: 'https://provider.example/' } },
      errors: [{ message: 'partial', path: ['getOauthUrl'], extensions: { code: 'NOT_FOUND' } }],
    })
    const error = await failure(client().getOauthUrl('conn-1'))
    expect(error.code).toBe('graphql_error')
    expect(error.graphqlCode).toBe('NOT_FOUND')
  })

  it.each([
    ['a null field', { data: { getOauthUrl: null } }],
    ['a null URL', { data: { getOauthUrl: { redirectUrl: null } } }],
    ['a numeric URL', { data: { getOauthUrl: { redirectUrl: 42 } } }],
    ['an empty URL', { data: { getOauthUrl: { redirectUrl: '' } } }],
    ['no data', {}],
    ['null data', { data: null }],
  ])('[SEC-19] should refuse %s', async (_, body) => {
    reply = json(body)
    const error = await failure(client().getOauthUrl('conn-1'))
    expect(error.code).toBe('invalid_response')
  })

  it.each([
    ['HTML', { body: '<html>oops</html>', type: 'text/html' }],
    ['truncated JSON', { body: '{"', type: 'application/json' }],
    ['a JSON array', { body: '[]', type: 'application/json' }],
    ['JSON null', { body: 'null', type: 'application/json' }],
  ])('[SEC-19] should refuse a 200 response of %s', async (_, body) => {
    reply = body
    const error = await failure(client().getOauthUrl('conn-1'))
    expect(error.code).toBe('invalid_response')
  })

  it.each([
    ['500 with HTML', { status: 500, body: '<h1>down</h1>', type: 'text/html' }],
    ['502 with JSON', { status: 502, body: '{"message":"bad gateway"}', type: 'application/json' }],
    ['503 empty', { status: 503, body: '', type: 'text/plain' }],
  ])('[SEC-19] should report %s as an HTTP error', async (_, body) => {
    reply = body
    const error = await failure(client().getOauthUrl('conn-1'))
    expect(error.code).toBe('http_error')
    expect(error.status).toBe(body.status)
  })

  it('[SEC-19] should report a network failure', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const offline = createBwellClient({
      endpoint: `http://127.0.0.1:${port}/v1/graphql`,
      getAccessToken: () => 't',
    })
    const error = await failure(offline.getOauthUrl('conn-1'))
    expect(error.code).toBe('network_error')
  })

  it('should refuse to send a request without a token', async () => {
    const noToken = createBwellClient({ endpoint, getAccessToken: () => '' })
    expect((await failure(noToken.getOauthUrl('c'))).code).toBe('no_access_token')
    const failing = createBwellClient({
      endpoint,
      getAccessToken: () => Promise.reject(new Error('signed out')),
    })
    expect((await failure(failing.getOauthUrl('c'))).code).toBe('no_access_token')
    expect(requests).toHaveLength(0)
  })

  it('should check every provider field', async () => {
    reply = json({
      data: {
        searchProviders: [
          { id: 'p1', name: 'Epic', category: 'hospital', logoUrl: null },
          { id: 'p2', name: 'Cerner', category: 'clinic', logoUrl: 'https://x/logo.png' },
        ],
      },
    })
    expect(await client().searchProviders('e')).toEqual([
      { id: 'p1', name: 'Epic', category: 'hospital', logoUrl: null },
      { id: 'p2', name: 'Cerner', category: 'clinic', logoUrl: 'https://x/logo.png' },
    ])
    reply = json({ data: { searchProviders: [{ id: 'p1', name: null, category: 'x' }] } })
    const error = await failure(client().searchProviders('e'))
    expect(error.message).toBe('invalid "searchProviders.0.name" in the b.well response')
    reply = json({ data: { searchProviders: null } })
    expect((await failure(client().searchProviders('e'))).code).toBe('invalid_response')
  })

  it('should return null for a missing connection and check a present one', async () => {
    reply = json({ data: { connection: null } })
    expect(await client().connection('nope')).toBeNull()
    reply = json({
      data: { connection: { id: 'c1', providerId: 'p1', status: 'RETRIEVING_DATA' } },
    })
    expect(await client().connection('c1')).toEqual({
      id: 'c1',
      providerId: 'p1',
      status: 'RETRIEVING_DATA',
    })
    reply = json({ data: { connection: { id: 'c1', providerId: 'p1' } } })
    expect((await failure(client().connection('c1'))).code).toBe('invalid_response')
  })

  it('should create and disconnect connections', async () => {
    reply = json({ data: { createConnection: { id: 'c1', providerId: 'p1', status: 'NEW' } } })
    expect(await client().createConnection('p1')).toMatchObject({ id: 'c1', status: 'NEW' })
    expect(requests[0]?.body.variables).toEqual({ providerId: 'p1' })
    reply = json({
      data: { disconnectConnection: { id: 'c1', providerId: 'p1', status: 'DISCONNECTED' } },
    })
    expect((await client().disconnectConnection('c1')).status).toBe('DISCONNECTED')
  })
})
