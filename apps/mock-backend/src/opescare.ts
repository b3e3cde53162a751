import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Clock } from './clock.ts'
import { applyHttpFaults, type FaultStore } from './faults.ts'
import { BadRequestError, pathOf, readJsonObject, sendJson, sendOAuthError } from './http.ts'
import type { SigningKey } from './keys.ts'
import {
  answerClientCredentials,
  createMetadataEndpoint,
  type SystemAuthority,
  type SystemClient,
} from './systemTokens.ts'

/** The OpesCare Connect client (JSON body). */
export const opescareClient: SystemClient = {
  id: 'opescare-backend',
  secret: 'opescare-backend-secret',
  scopes: ['health_id:verify', 'patients:read', 'consents:read'],
}

/** The seeded bridge agent. Only the SHA-256 hash of its key is stored. */
export const bridgeAgent = { id: 'bridge-agent-1', key: 'bridge-agent-key-1' }

/** How far `X-Bridge-Timestamp` may be from the server clock. */
export const bridgeSkewSeconds = 300

/** OpesCare token lifetime: one hour. */
export const opescareTokenTtl = 3600

const agentKeyHashes = new Map([
  [bridgeAgent.id, createHash('sha256').update(bridgeAgent.key).digest()],
])

function single(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * Checks the bridge-agent headers: a known agent id, the key's SHA-256 hash compared in constant
 * time with the stored one, and a whole-second Unix timestamp within ±5 minutes.
 * @returns an error description, or `undefined` when the agent is authenticated
 */
export function checkBridgeAgent(req: IncomingMessage, now = Date.now()): string | undefined {
  const id = single(req, 'x-bridge-agent-id')
  const key = single(req, 'x-bridge-agent-key')
  const timestamp = single(req, 'x-bridge-timestamp')
  if (!id || !key || !timestamp) return 'missing bridge agent headers'
  if (!/^\d{1,12}$/.test(timestamp)) return 'X-Bridge-Timestamp must be whole Unix seconds'
  if (Math.abs(Number(timestamp) - Math.floor(now / 1000)) > bridgeSkewSeconds) {
    return 'X-Bridge-Timestamp is outside the allowed skew'
  }
  const presented = createHash('sha256').update(key).digest()
  // An unknown agent is still hashed and compared, so its answer takes as long as a wrong key.
  const stored = agentKeyHashes.get(id) ?? createHash('sha256').update(`unknown:${id}`).digest()
  const keyOk = timingSafeEqual(presented, stored)
  return keyOk && agentKeyHashes.has(id) ? undefined : 'unknown bridge agent or wrong key'
}

interface OpescareOptions {
  origin: string
  key: SigningKey
  faults: FaultStore
  /** The heartbeat's time source (timestamp skew). */
  clock: Clock
}

/**
 * The OpesCare-style Connect API (4003): a JSON-body token endpoint issuing RS256 JWTs, JWKS,
 * a token-protected FHIR CapabilityStatement and the bridge-agent heartbeat.
 */
export function createOpescare({ origin, key, faults, clock }: OpescareOptions) {
  const authority: SystemAuthority = {
    clients: [opescareClient],
    key,
    where: { issuer: origin, audience: `${origin}/api` },
    ttlSeconds: opescareTokenTtl,
    faults,
  }
  const metadata = createMetadataEndpoint(
    authority,
    'opescareMetadata',
    'OpesCare Connect FHIR',
    `${origin}/api/fhir/R4`,
  )

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Record<string, unknown>
    try {
      body = await readJsonObject(req)
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error
      sendOAuthError(res, 400, 'invalid_request', error.message)
      return
    }
    await answerClientCredentials(
      res,
      {
        grantType: body.grant_type,
        clientId: body.client_id,
        clientSecret: body.client_secret,
        scope: body.scope,
        otherCredentials: req.headers.authorization !== undefined,
      },
      authority,
      'opescareToken',
    )
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req)
    if (path === '/health' && req.method === 'GET') {
      sendJson(res, 200, { status: 'ok', service: 'opescare' })
    } else if (path === '/.well-known/jwks.json' && req.method === 'GET') {
      sendJson(res, 200, { keys: [key.publicJwk] }, { 'cache-control': 'public, max-age=300' })
    } else if (path === '/api/v1/connect/auth/token') {
      if (req.method === 'POST') await token(req, res)
      else sendOAuthError(res, 405, 'invalid_request', 'use POST')
    } else if (path === '/api/fhir/R4/metadata' && req.method === 'GET') {
      await metadata(req, res)
    } else if (path === '/api/v1/bridge/heartbeat' && req.method === 'POST') {
      const problem = checkBridgeAgent(req, clock.now())
      if (problem) {
        sendJson(res, 401, { error: 'unauthorized', error_description: problem })
        return
      }
      if (await applyHttpFaults(faults, { target: 'heartbeat' }, res)) return
      sendJson(res, 200, {
        status: 'ok',
        agentId: bridgeAgent.id,
        receivedAt: new Date().toISOString(),
      })
    } else {
      sendJson(res, 404, { error: 'not_found' })
    }
  }
}
