import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultStore } from '../faults.ts'
import { BadRequestError, readForm, sendJson, sendOAuthError } from '../http.ts'
import type { SigningKey } from '../keys.ts'
import {
  answerClientCredentials,
  createMetadataEndpoint,
  type SystemAuthority,
  type SystemClient,
} from '../systemTokens.ts'

/** The b.well system client (client_secret_post). */
export const bwellSystemClient: SystemClient = {
  id: 'bwell-backend',
  secret: 'bwell-backend-secret',
  scopes: ['system/*.read'],
}

/** Lifetime of a b.well system token. */
export const bwellTokenTtl = 3600

interface SystemAuthOptions {
  origin: string
  key: SigningKey
  faults: FaultStore
}

/**
 * b.well system auth: discovery, JWKS, a form-body `client_credentials` token endpoint and the
 * token-protected `GET /fhir/metadata`.
 * @returns a handler answering `false` for paths it does not own
 */
export function createSystemAuth({ origin, key, faults }: SystemAuthOptions) {
  const authority: SystemAuthority = {
    clients: [bwellSystemClient],
    key,
    where: { issuer: origin, audience: `${origin}/fhir` },
    ttlSeconds: bwellTokenTtl,
    faults,
  }
  const metadata = createMetadataEndpoint(authority, 'bwellFhir', 'b.well FHIR', `${origin}/fhir`)

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let form: Map<string, string>
    try {
      form = await readForm(req)
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error
      sendOAuthError(res, 400, 'invalid_request', error.message)
      return
    }
    await answerClientCredentials(
      res,
      {
        grantType: form.get('grant_type'),
        clientId: form.get('client_id'),
        clientSecret: form.get('client_secret'),
        scope: form.get('scope'),
        // Registered for client_secret_post: credentials belong in the body, nowhere else.
        otherCredentials: req.headers.authorization !== undefined,
      },
      authority,
      'bwellToken',
    )
  }

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path === '/.well-known/openid-configuration' && req.method === 'GET') {
      sendJson(res, 200, {
        issuer: origin,
        token_endpoint: `${origin}/oauth2/token`,
        jwks_uri: `${origin}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        scopes_supported: [...bwellSystemClient.scopes],
        response_types_supported: ['token'],
      })
      return true
    }
    if (path === '/.well-known/jwks.json' && req.method === 'GET') {
      sendJson(res, 200, { keys: [key.publicJwk] }, { 'cache-control': 'public, max-age=300' })
      return true
    }
    if (path === '/oauth2/token') {
      if (req.method !== 'POST') {
        sendOAuthError(res, 405, 'invalid_request', 'use POST')
        return true
      }
      await token(req, res)
      return true
    }
    if (path === '/fhir/metadata' && req.method === 'GET') {
      await metadata(req, res)
      return true
    }
    return false
  }
}
