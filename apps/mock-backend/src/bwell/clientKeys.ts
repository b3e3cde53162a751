import type { Origins } from '../config.ts'
import { spaClientId } from '../medblocks/provider.ts'

/** What b.well registered for one app at onboarding. */
export interface ClientRegistration {
  /** The client key as the app sends it (base64 of {@link ClientKeyContent}). */
  clientKey: string
  /** The decoded content of the key. */
  content: ClientKeyContent
  /** Where the b.well callback sends the user: its own hosted page, or the app's callback URL. */
  returnTarget: { kind: 'hosted' } | { kind: 'customRedirect'; url: string }
  /** The identity provider whose tokens `getToken` accepts for this key. */
  identityProvider: { issuer: string; audience: string; jwksUri: string }
}

/** The JSON inside a client key (field names as b.well's keys carry them; see the README). */
export interface ClientKeyContent {
  env: string
  clientId: string
  organizationId: string
}

/** The two seeded client keys' content. The keys themselves are the base64 of this JSON. */
export const clientKeyContents = {
  hosted: { env: 'local', clientId: 'oauth-connect-demo-hosted', organizationId: 'oauth-connect' },
  customRedirect: {
    env: 'local',
    clientId: 'oauth-connect-demo-redirect',
    organizationId: 'oauth-connect',
  },
} as const satisfies Record<string, ClientKeyContent>

/** Encodes a client key the way b.well issues them: standard base64 of compact JSON. */
export function encodeClientKey(content: ClientKeyContent): string {
  return Buffer.from(JSON.stringify(content), 'utf8').toString('base64')
}

/**
 * The seeded client keys. Stable strings: the demo and the e2e suite may hard-code them.
 * - `hosted`: the callback ends on b.well's hosted completion page;
 * - `customRedirect`: the callback ends on `{APP_ORIGIN}/connect/callback?status_code=…`.
 */
export const seededClientKeys = {
  hosted: encodeClientKey(clientKeyContents.hosted),
  customRedirect: encodeClientKey(clientKeyContents.customRedirect),
} as const

/** Builds the registrations for the bound origins (the return targets depend on them). */
export function clientRegistrations(origins: Origins): ClientRegistry {
  const identityProvider = {
    issuer: origins.medblocks,
    audience: spaClientId,
    jwksUri: `${origins.medblocks}/jwks`,
  }
  return new ClientRegistry([
    {
      clientKey: seededClientKeys.hosted,
      content: clientKeyContents.hosted,
      returnTarget: { kind: 'hosted' },
      identityProvider,
    },
    {
      clientKey: seededClientKeys.customRedirect,
      content: clientKeyContents.customRedirect,
      returnTarget: { kind: 'customRedirect', url: `${origins.app}/connect/callback` },
      identityProvider,
    },
  ])
}

/** The registered client keys of one backend. */
export class ClientRegistry {
  readonly #byKey: ReadonlyMap<string, ClientRegistration>
  readonly #byClientId: ReadonlyMap<string, ClientRegistration>

  constructor(registrations: readonly ClientRegistration[]) {
    this.#byKey = new Map(registrations.map((r) => [r.clientKey, r]))
    this.#byClientId = new Map(registrations.map((r) => [r.content.clientId, r]))
  }

  /**
   * The registration of a client key, or `undefined` when the key is unknown or malformed
   * (not base64 JSON with string `env` and `clientId`).
   */
  find(clientKey: string | undefined): ClientRegistration | undefined {
    if (clientKey === undefined) return undefined
    const exact = this.#byKey.get(clientKey.trim())
    if (exact) return exact
    return undefined
  }

  /** The registration by its client id (stored in b.well's own tokens). */
  byClientId(clientId: string): ClientRegistration | undefined {
    return this.#byClientId.get(clientId)
  }
}

/** Decodes a client key's JSON, or `undefined` when it is not base64 of a JSON object. */
export function decodeClientKey(clientKey: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(clientKey)) return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientKey, 'base64').toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
