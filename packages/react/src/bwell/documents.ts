// The GraphQL documents the b.well client sends: b.well's own operation names, arguments and types
// (documents.test.ts validates every document here against b.well's recorded schema subset).

const CONNECTION = `id name category type status syncStatus statusUpdated lastSynced created integrationType
      syncErrors { id text coding { code display system } }`

const STATUS_UPDATE = 'status statusUpdated'

/** Every document the client sends, by operation. */
export const bwellDocuments = {
  initSdk: `query InitSdk($clientKey: String!, $organizationId: String) {
  initSdk(clientKey: $clientKey, organizationId: $organizationId) {
    graphQLClient { apiUrl authUrl }
    httpClient { requestTimeout }
    logLevel
    telemetry { enabled collectorUrl }
  }
}`,
  getToken: `query GetToken {
  getToken { accessToken { jwtToken } idToken { jwtToken } refreshToken { token } }
}`,
  refresh: `query Refresh {
  refresh { accessToken idToken }
}`,
  searchHealthResources: `query SearchHealthResources($searchInput: SearchHealthResourcesInput) {
  searchHealthResources(searchInput: $searchInput) {
    pagingInfo { pageNumber pageSize totalItems totalPages }
    filterValues { field values { value count } }
    results {
      id type content npi
      endpoint { name }
      location { name distanceInMiles address { line city state postalCode country } }
      organization { name }
      specialty { code display system }
    }
  }
}`,
  getDataSource: `query GetDataSource($connectionId: String!) {
  getDataSource(connectionId: $connectionId) { id name category type integrationType }
}`,
  getOauthUrl: `query GetOauthUrl($connectionId: String!) {
  getOauthUrl(connectionId: $connectionId) { redirectUrl }
}`,
  createConnection: `mutation CreateConnection($connectionId: String!, $username: String!, $password: String!) {
  createConnection(connectionId: $connectionId, username: $username, password: $password) {
    ${CONNECTION}
  }
}`,
  getMemberConnections: `query GetMemberConnections($integrationType: [String!], $status: [String!], $syncStatus: [String!]) {
  getMemberConnections(integrationType: $integrationType, status: $status, syncStatus: $syncStatus) {
    ${CONNECTION}
  }
}`,
  subscriptions: `query Subscriptions($source: SearchString) {
  subscriptions(_source: $source) {
    entry {
      resource {
        id
        meta { lastUpdated }
        subscriptionStatus {
          meta { lastUpdated }
          extension { id valueString }
          notificationEvent { id timestamp }
          error { id text coding { code display system } }
        }
      }
    }
  }
}`,
  disconnectConnection: `mutation DisconnectConnection($connectionId: String!) {
  disconnectConnection(connectionId: $connectionId) { ${STATUS_UPDATE} }
}`,
  deleteConnection: `mutation DeleteConnection($connectionId: String!) {
  deleteConnection(connectionId: $connectionId) { ${STATUS_UPDATE} }
}`,
  requestConnection: `mutation RequestConnection($city: String, $institution: String, $provider: String, $state: String) {
  requestConnection(city: $city, institution: $institution, provider: $provider, state: $state) {
    resourceType
    issue { code severity details { text } }
  }
}`,
} as const

/** The name of a b.well operation the client sends. */
export type BwellOperation = keyof typeof bwellDocuments
