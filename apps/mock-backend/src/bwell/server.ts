import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Origins } from '../config.ts'
import { applyHttpFaults, type FaultStore, handleFaultControl } from '../faults.ts'
import { notFound, pathOf, sendJson } from '../http.ts'
import type { SigningKey } from '../keys.ts'
import type { AccessTokenVerifier } from '../medblocks/accessToken.ts'
import type { PortalCodes } from '../portal.ts'
import { createSystemAccessStatus } from '../systemAccess.ts'
import { createCallback } from './callback.ts'
import { createCompletionPage } from './completionPage.ts'
import type { ConnectionStore } from './connections.ts'
import type { FlowAuthority } from './flow.ts'
import { createGraphql } from './graphql.ts'
import { findDataProvider, logoSvg } from './providers.ts'
import { createSystemAuth } from './systemAuth.ts'

interface BwellOptions {
  origins: Origins
  key: SigningKey
  verify: AccessTokenVerifier
  connections: ConnectionStore
  flows: FlowAuthority
  codes: PortalCodes
  faults: FaultStore
  /** Mounts `/__test__/faults`; without it the route is a plain 404. */
  testMode: boolean
}

/** The b.well-style API (4000): GraphQL, the OAuth callback, the hosted page, system auth. */
export function createBwell(options: BwellOptions) {
  const { origins, faults } = options
  const graphql = createGraphql(options)
  const callback = createCallback({ ...options, completeUrl: `${origins.bwell}/oauth/complete` })
  const complete = createCompletionPage(origins.app)
  const systemAuth = createSystemAuth({ origin: origins.bwell, key: options.key, faults })
  const systemAccess = createSystemAccessStatus(origins)

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req)
    if (path === '/health' && req.method === 'GET') {
      sendJson(res, 200, { status: 'ok', service: 'bwell' })
    } else if (path === '/v1/graphql') {
      await graphql(req, res)
    } else if (path === '/oauth/callback' && req.method === 'GET') {
      await callback(req, res)
    } else if (path === '/oauth/complete' && req.method === 'GET') {
      if (await applyHttpFaults(faults, { target: 'complete' }, res)) return
      complete(req, res)
    } else if (path === '/system-access/status') {
      await systemAccess(req, res)
    } else if (path === '/__test__/faults' && options.testMode) {
      await handleFaultControl(req, res, faults)
    } else if (path.startsWith('/logos/') && path.endsWith('.svg') && req.method === 'GET') {
      const provider = findDataProvider(decodeURIComponent(path.slice(7, -4)))
      if (!provider) {
        notFound(res)
        return
      }
      res.writeHead(200, {
        'content-type': 'image/svg+xml',
        'cache-control': 'public, max-age=3600',
        'cross-origin-resource-policy': 'cross-origin',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      })
      res.end(logoSvg(provider))
    } else if (!(await systemAuth(req, res, path))) {
      notFound(res)
    }
  }
}
