import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyHttpFaults, type FaultStore } from '../faults.ts'
import { BadRequestError, bearerToken, readForm, sendJson, sendOAuthError } from '../http.ts'
import type { SigningKey } from '../keys.ts'
import {
  authenticateClient,
  capabilityStatement,
  grantScopes,
  invalidClient,
  issueSystemToken,
  type SystemClient,
  verifySystemToken,
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
  const where = { issuer: origin, audience: `${origin}/fhir` }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let form: Map<string, string>
    try {
      form = await readForm(req)
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error
      sendOAuthError(res, 400, 'invalid_request', error.message)
      return
    }
    const grantType = form.get('grant_type')
    if (!grantType) {
      sendOAuthError(res, 400, 'invalid_request', '"grant_type" parameter is required')
      return
    }
    if (grantType !== 'client_credentials') {
      sendOAuthError(res, 400, 'unsupported_grant_type', 'only client_credentials is supported')
      return
    }
    const id = form.get('client_id')
    const secret = form.get('client_secret')
    if (req.headers.authorization !== undefined || !id || !secret) {
      // Registered for client_secret_post: credentials belong in the body, nowhere else.
      invalidClient(res)
      return
    }
    const client = authenticateClient([bwellSystemClient], id, secret)
    if (!client) {
      invalidClient(res)
      return
    }
    const scope = grantScopes(client, form.get('scope'))
    if (scope === undefined) {
      sendOAuthError(res, 400, 'invalid_scope', 'the requested scope is not allowed')
      return
    }
    if (await applyHttpFaults(faults, { target: 'bwellToken', clientId: client.id }, res)) return
    sendJson(res, 200, await issueSystemToken(key, where, client.id, scope, bwellTokenTtl), {
      pragma: 'no-cache',
    })
  }

  async function metadata(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bearer = bearerToken(req)
    let clientId: string
    try {
      if (!bearer) throw new BadRequestError('missing bearer token')
      clientId = (await verifySystemToken(key, where, bearer)).clientId
    } catch {
      sendJson(
        res,
        401,
        { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
        'application/fhir+json',
      )
      return
    }
    if (await applyHttpFaults(faults, { target: 'bwellFhir', clientId }, res)) return
    sendJson(
      res,
      200,
      capabilityStatement('b.well FHIR', `${origin}/fhir`),
      {},
      'application/fhir+json',
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
