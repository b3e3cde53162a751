import type { TypedDocumentString } from 'graphql-request'

/** A data source the user can connect. */
export interface Provider {
  readonly id: string
  readonly name: string
  readonly category: string
  readonly logoUrl: string | null
}

/** A b.well connection and its lifecycle status (`NEW`, `RETRIEVING_DATA`, `DATA_RETRIEVED`, …). */
export interface Connection {
  readonly id: string
  readonly providerId: string
  readonly status: string
}

// The result types describe the wire shape; the client still checks every field at runtime.
const typed = <Result, Variables>(source: string) =>
  source as unknown as TypedDocumentString<Result, Variables>

const CONNECTION_FIELDS = 'id providerId status'

export const SearchProvidersDocument = typed<{ searchProviders: Provider[] }, { query: string }>(
  'query SearchProviders($query: String!) { searchProviders(query: $query) { id name category logoUrl } }',
)

export const CreateConnectionDocument = typed<
  { createConnection: Connection },
  { providerId: string }
>(
  `mutation CreateConnection($providerId: ID!) { createConnection(providerId: $providerId) { ${CONNECTION_FIELDS} } }`,
)

export const GetOauthUrlDocument = typed<
  { getOauthUrl: { redirectUrl: string } },
  { connectionId: string; redirectUri?: string | null }
>(
  'query GetOauthUrl($connectionId: String!, $redirectUri: String) { getOauthUrl(connectionId: $connectionId, redirectUri: $redirectUri) { redirectUrl } }',
)

export const ConnectionDocument = typed<{ connection: Connection | null }, { id: string }>(
  `query Connection($id: ID!) { connection(id: $id) { ${CONNECTION_FIELDS} } }`,
)

export const DisconnectConnectionDocument = typed<
  { disconnectConnection: Connection },
  { id: string }
>(
  `mutation DisconnectConnection($id: ID!) { disconnectConnection(id: $id) { ${CONNECTION_FIELDS} } }`,
)
