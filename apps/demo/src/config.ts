declare const __DEMO_ORIGINS__: { bwell: string; medblocks: string } | undefined

// Vite replaces __DEMO_ORIGINS__ from MOCK_BWELL_ORIGIN / MOCK_MEDBLOCKS_ORIGIN; tests see the defaults.
const injected = typeof __DEMO_ORIGINS__ === 'undefined' ? undefined : __DEMO_ORIGINS__

/** The mock backend's origins, as the demo reaches them. */
export const origins = {
  bwell: injected?.bwell ?? 'http://127.0.0.1:4000',
  medblocks: injected?.medblocks ?? 'http://127.0.0.1:4002',
}

/** The demo's public client at the Medblocks-style server (no secret: PKCE only). */
export const loginConfig = {
  clientId: 'oauth-connect-demo',
  scope: 'openid profile offline_access',
  callbackPath: '/callback',
} as const

/** Where the provider's custom redirect lands. */
export const connectCallbackPath = '/connect/callback'

/** The b.well-style GraphQL endpoint. */
export const graphqlUrl = `${origins.bwell}/v1/graphql`

/** The FHIR search the patient card shows. */
export const patientUrl = `${origins.medblocks}/fhir/Patient`

/** The mock backend's server-side system-access report (client credentials, no secrets). */
export const systemAccessUrl = `${origins.bwell}/system-access/status`
