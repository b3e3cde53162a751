// The b.well GraphQL client (graphql-request) and its hooks live here, behind `@oauth-connect/react/bwell`.
export {}
