import { randomBytes } from 'node:crypto'
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider'
import type { FaultStore } from '../faults.ts'
import { escapeHtml } from '../http.ts'
import type { SigningKey } from '../keys.ts'
import { endSessionPath, logoutSource, postLogoutSuccessSource } from './logout.ts'
import { memoryAdapter } from './memoryAdapter.ts'
import {
  addLaunchContext,
  checkAudience,
  launchPatientScope,
  resourceScopesFor,
  smartCallbackPath,
  smartClientId,
} from './smart.ts'
import { findUser } from './users.ts'

/** The first-party SPA client of the demo app (public, PKCE S256). */
export const spaClientId = 'oauth-connect-demo'
/** The confidential backend client (client_credentials, client_secret_basic). */
export const backendClient = { id: 'medblocks-backend', secret: 'medblocks-backend-secret' }
/** Lifetime of every access token this server issues, as Medblocks documents it. */
export const accessTokenTtl = 3599
/** Scopes the FHIR resource server knows; requested alongside the OIDC scopes. */
export const fhirScopes = 'patient/*.read system/*.read'

const oidcScopes = ['openid', 'profile', 'offline_access'] as const
/** SMART's OpenID scope (`fhirUser` in the ID token) and launch scope, beside the OIDC ones. */
const smartScopes = ['fhirUser', launchPatientScope] as const

/** Clients of the demo app itself: they never see a consent screen. */
export const firstPartyClients: ReadonlySet<string> = new Set([spaClientId, smartClientId])

/** The FHIR base URL the access tokens are audience-restricted to. */
export function fhirAudience(issuer: string): string {
  return `${issuer}/fhir`
}

/**
 * Creates or extends the user's grant for the first-party SPA so it never sees a consent
 * screen; any other client keeps the default behaviour.
 */
async function firstPartyGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx
  const client = oidc.client
  if (!client) return undefined
  const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(client.clientId)
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined
  if (!firstPartyClients.has(client.clientId)) return existing
  const accountId = oidc.session?.accountId
  if (!accountId) return existing
  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId })
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '))
  const claims = [...oidc.requestParamClaims]
  if (claims.length > 0) grant.addOIDCClaims(claims)
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const wanted = [...oidc.requestParamScopes].filter((s) => server.scopes.has(s))
    grant.addResourceScope(indicator, wanted.join(' '))
  }
  await grant.save()
  return grant
}

/**
 * Builds the Medblocks-style authorization server: Medblocks' routes, one public SPA client with
 * PKCE S256 and rotating refresh tokens, one client-credentials backend client, and RS256 JWT
 * access tokens for the FHIR audience.
 * @param appOrigin the registered app origin (redirect URIs and CORS)
 * @param faults armed test faults (`shortTokenLifetime`)
 */
export function createMedblocksProvider(
  issuer: string,
  appOrigin: string,
  key: SigningKey,
  faults: FaultStore,
): Provider {
  const audience = fhirAudience(issuer)
  /** Token requests a `smartNarrowScope` fault narrowed (the fault is taken once per request). */
  const narrowed = new WeakSet<object>()
  const configuration: Configuration = {
    adapter: memoryAdapter(),
    clients: [
      {
        client_id: spaClientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${appOrigin}/callback`],
        post_logout_redirect_uris: [`${appOrigin}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: oidcScopes.join(' '),
      },
      {
        // The SMART app (SMART App Launch v2, standalone patient launch): same app, own callback.
        client_id: smartClientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${appOrigin}${smartCallbackPath}`],
        post_logout_redirect_uris: [`${appOrigin}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      {
        client_id: backendClient.id,
        client_secret: backendClient.secret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [key.privateJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: {
      authorization: '/oauth2/auth',
      token: '/oauth2/token',
      revocation: '/oauth2/revoke',
      end_session: endSessionPath,
    },
    scopes: [...oidcScopes, ...smartScopes],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'birthdate'],
      fhirUser: ['fhirUser'],
    },
    // SMART's `aud`: the FHIR base URL, required of the SMART client (see smart.ts).
    extraParams: { aud: checkAudience(audience) },
    // The SPA reads the user's name from the ID token: /userinfo refuses resource-bound tokens.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      clientCredentials: { enabled: true },
      // DPoP (RFC 9449): a token request with a proof gets DPoP-bound tokens (`cnf.jkt`, and for
      // the public clients a bound refresh token); every proof must carry the server's nonce, so
      // a client's first request is answered `use_dpop_nonce` once. Bearer requests are as before.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => {
          if (resource !== audience) throw new errors.InvalidTarget()
          return {
            scope: `${fhirScopes} ${resourceScopesFor(ctx, faults, narrowed)}`,
            audience,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant: firstPartyGrant,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: () => false,
    clientBasedCORS: (_ctx, origin, client) =>
      origin === appOrigin && client.clientAuthMethod === 'none',
    findAccount: (_ctx, sub) => {
      const user = findUser(sub)
      if (!user) return undefined
      return {
        accountId: user.username,
        claims: () => ({
          sub: user.username,
          name: user.name,
          preferred_username: user.username,
          birthdate: user.patient.birthDate,
          fhirUser: `${audience}/Patient/${user.patient.id}`,
        }),
      }
    },
    ttl: {
      AccessToken: (_ctx, token) => {
        const fault = token.accountId
          ? faults.take('shortTokenLifetime', { username: token.accountId })
          : undefined
        return fault?.seconds ?? accessTokenTtl
      },
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 60 * 60,
      Interaction: 60 * 60,
      Session: 14 * 24 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html'
      const rows = Object.entries(out)
        .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v))}</dd>`)
        .join('')
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><dl>${rows}</dl></main></body></html>`
    },
  }
  const provider = new Provider(issuer, configuration)
  addLaunchContext(provider, faults, (username) => findUser(username)?.patient.id)
  // Clients see a protocol error; the console gets the message only, never a stack or a token.
  provider.on('server_error', (_ctx, error) => {
    console.error(`medblocks: server_error: ${error.message}`)
  })
  return provider
}
