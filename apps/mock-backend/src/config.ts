/** Where each stand-in listens. Every origin can be overridden through the environment. */
export interface Origins {
  /** b.well-style API, callback, hosted completion page, system auth, FHIR. */
  bwell: string
  /** Third-party provider portal (consent page). */
  portal: string
  /** Medblocks-style authorization server and its FHIR API. */
  medblocks: string
  /** OpesCare-style Connect API. */
  opescare: string
  /** The demo app, the registered app origin. */
  app: string
}

/** The origins of DESIGN §3, used when no environment variable overrides them. */
export const defaultOrigins: Origins = {
  bwell: 'http://127.0.0.1:4000',
  portal: 'http://127.0.0.1:4001',
  medblocks: 'http://127.0.0.1:4002',
  opescare: 'http://127.0.0.1:4003',
  app: 'http://localhost:5173',
}

/** Reads origin overrides from `MOCK_BWELL_ORIGIN`, `MOCK_PORTAL_ORIGIN`, … and `APP_ORIGIN`. */
export function originsFromEnv(env: NodeJS.ProcessEnv = process.env): Origins {
  return {
    bwell: env.MOCK_BWELL_ORIGIN ?? defaultOrigins.bwell,
    portal: env.MOCK_PORTAL_ORIGIN ?? defaultOrigins.portal,
    medblocks: env.MOCK_MEDBLOCKS_ORIGIN ?? defaultOrigins.medblocks,
    opescare: env.MOCK_OPESCARE_ORIGIN ?? defaultOrigins.opescare,
    app: env.APP_ORIGIN ?? defaultOrigins.app,
  }
}
