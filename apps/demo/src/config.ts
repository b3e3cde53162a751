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

/** Where b.well's custom redirect lands: the URL registered for the custom-redirect client key. */
export const connectCallbackPath = '/connect/callback'

/**
 * The JSON inside each client key the mock backend's b.well registered for this demo (see
 * apps/mock-backend/README.md). b.well issues a key per app at onboarding, each with its
 * registered identity provider (the Medblocks-style server) and its return target.
 */
export const clientKeyContents = {
  /** The callback ends on b.well's hosted completion page. */
  hosted: { env: 'local', clientId: 'oauth-connect-demo-hosted', organizationId: 'oauth-connect' },
  /** The callback ends on `{this origin}/connect/callback?status_code=…`. */
  custom: {
    env: 'local',
    clientId: 'oauth-connect-demo-redirect',
    organizationId: 'oauth-connect',
  },
} as const

/** The client keys as b.well issues them: base64 of the compact JSON. */
export const clientKeys = {
  hosted: btoa(JSON.stringify(clientKeyContents.hosted)),
  custom: btoa(JSON.stringify(clientKeyContents.custom)),
} as const

/** The b.well-style GraphQL endpoint. */
export const graphqlUrl = `${origins.bwell}/v1/graphql`

/** The FHIR search the patient card shows. */
export const patientUrl = `${origins.medblocks}/fhir/Patient`

/** The mock backend's server-side system-access report (client credentials, no secrets). */
export const systemAccessUrl = `${origins.bwell}/system-access/status`
