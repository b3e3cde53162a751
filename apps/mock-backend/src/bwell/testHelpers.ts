// Helpers for this package's b.well tests: GraphQL over real HTTP, a b.well session per user,
// and the OAuth connection flow driven through the portal's form.
import type { PortalDecision } from '../portal.ts'
import type { MockForTests } from '../testing.ts'
import { consent } from './consent.ts'

/** POSTs a GraphQL request with the given headers. */
export async function gql(
  endpoint: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  })
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    body: await res.json(),
  }
}

export const getTokenQuery =
  'query { getToken { accessToken { jwtToken } idToken { jwtToken } refreshToken { token } } }'
export const refreshQuery = 'query { refresh { accessToken idToken refreshToken } }'
export const getOauthUrlQuery =
  'query getOauthUrl($connectionId: String!) { getOauthUrl(connectionId: $connectionId) { redirectUrl } }'
export const memberConnectionsQuery = `query($integrationType: [String!], $status: [String!], $syncStatus: [String!]) {
  getMemberConnections(integrationType: $integrationType, status: $status, syncStatus: $syncStatus) {
    id name category type status syncStatus statusUpdated lastSynced created integrationType
    syncErrors { id text coding { code display system } }
  }
}`

/** A GraphQL answer: HTTP status, content type and the parsed body (as `Response.json()` gives it). */
export type GqlAnswer = Awaited<ReturnType<typeof gql>>

/** A signed-in b.well session: its tokens and a query function carrying the bearer. */
export interface TestSession {
  accessToken: string
  idToken: string
  refreshToken: string
  q(query: string, variables?: Record<string, unknown>): Promise<GqlAnswer>
}

/** Opens a b.well session for a seeded user with `getToken`. */
export async function openSession(
  mock: MockForTests,
  username = 'amy.shaw',
  clientKey = mock.clientKeys.hosted,
): Promise<TestSession> {
  const identity = await mock.identityTokenFor(username)
  const res = await gql(
    mock.graphqlEndpoint,
    getTokenQuery,
    {},
    { authorization: identity, clientkey: clientKey },
  )
  const tokens = res.body.data?.getToken
  if (!tokens) throw new Error(`getToken failed: ${JSON.stringify(res.body)}`)
  const accessToken: string = tokens.accessToken.jwtToken
  return {
    accessToken,
    idToken: tokens.idToken.jwtToken,
    refreshToken: tokens.refreshToken.token,
    q: (query, variables = {}) =>
      gql(mock.graphqlEndpoint, query, variables, { authorization: `Bearer ${accessToken}` }),
  }
}

/**
 * Drives getOauthUrl → the portal's consent page → a button → b.well's callback.
 * @returns the consent page, b.well's callback URL and where the callback finally sent the browser
 */
export async function runFlow(
  session: TestSession,
  connectionId: string,
  decision: PortalDecision,
) {
  const url = await session.q(getOauthUrlQuery, { connectionId })
  const redirectUrl: string | undefined = url.body.data?.getOauthUrl.redirectUrl
  if (!redirectUrl) throw new Error(`getOauthUrl failed: ${JSON.stringify(url.body)}`)
  return consent(redirectUrl, decision)
}
