import type { LoginClient } from '@oauth-connect/core/login'
import { graphqlUrl } from './config.ts'

/** A data source from `searchProviders`. */
export interface Provider {
  readonly id: string
  readonly name: string
  readonly category: string
}

/** A connection as `connection(id)` reports it. */
export interface Connection {
  readonly id: string
  readonly providerId: string
  readonly status: string
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function isProvider(value: unknown): value is Provider {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    typeof value.category === 'string'
  )
}

function isConnection(value: unknown): value is Connection {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.providerId === 'string' &&
    typeof value.status === 'string'
  )
}

/** The b.well calls the demo makes, each with the signed-in user's bearer token. */
export function createDemoBwell(client: LoginClient) {
  async function request(query: string, variables: Record<string, unknown>): Promise<unknown> {
    const response = await client.fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    })
    const body: unknown = await response.json()
    if (!isRecord(body)) throw new Error(`b.well answered HTTP ${response.status} without JSON`)
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      const first: unknown = body.errors[0]
      const message = isRecord(first) && typeof first.message === 'string' ? first.message : ''
      throw new Error(`b.well error: ${message || 'unknown'}`)
    }
    if (!isRecord(body.data)) throw new Error('b.well answered no data')
    return body.data
  }
  return {
    async searchProviders(query: string): Promise<readonly Provider[]> {
      const data = await request(
        'query Search($query: String!) { searchProviders(query: $query) { id name category } }',
        { query },
      )
      const list = isRecord(data) ? data.searchProviders : undefined
      if (!Array.isArray(list) || !list.every(isProvider)) throw new Error('bad searchProviders')
      return list
    },
    async createConnection(providerId: string): Promise<Connection> {
      const data = await request(
        'mutation Create($providerId: ID!) { createConnection(providerId: $providerId) { id providerId status } }',
        { providerId },
      )
      const connection = isRecord(data) ? data.createConnection : undefined
      if (!isConnection(connection)) throw new Error('bad createConnection')
      return connection
    },
    async getOauthUrl(connectionId: string, redirectUri?: string): Promise<string> {
      const data = await request(
        'query Url($connectionId: String!, $redirectUri: String) { getOauthUrl(connectionId: $connectionId, redirectUri: $redirectUri) { redirectUrl } }',
        { connectionId, redirectUri: redirectUri ?? null },
      )
      const result = isRecord(data) ? data.getOauthUrl : undefined
      if (!isRecord(result) || typeof result.redirectUrl !== 'string') {
        throw new Error('bad getOauthUrl')
      }
      return result.redirectUrl
    },
    async connection(id: string): Promise<Connection | null> {
      const data = await request(
        'query Connection($id: ID!) { connection(id: $id) { id providerId status } }',
        { id },
      )
      const connection = isRecord(data) ? data.connection : undefined
      if (connection === null) return null
      if (!isConnection(connection)) throw new Error('bad connection')
      return connection
    },
  }
}

/** The demo's b.well calls. */
export type DemoBwell = ReturnType<typeof createDemoBwell>
