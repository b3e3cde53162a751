import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Origins } from '../config.ts'
import { applyHttpFaults, type FaultStore, handleFaultControl } from '../faults.ts'
import { BadRequestError, notFound, pathOf, readJsonObject, sendJson } from '../http.ts'
import type { SigningKey } from '../keys.ts'
import type { PortalCodes } from '../portal.ts'
import { createSystemAccessStatus } from '../systemAccess.ts'
import { createCallback } from './callback.ts'
import type { ClientRegistry } from './clientKeys.ts'
import { createCompletionPage } from './completionPage.ts'
import type { ConnectionStore } from './connections.ts'
import type { FlowAuthority } from './flow.ts'
import { createGraphql } from './graphql.ts'
import { bwellUserId, type SessionAuthority } from './session.ts'
import { createSystemAuth } from './systemAuth.ts'

interface BwellOptions {
  origins: Origins
  key: SigningKey
  clients: ClientRegistry
  sessions: SessionAuthority
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

  /**
   * Test mode: `POST /__test__/connections/expire` `{ connectionId, username? }` marks the
   * connection `EXPIRED` for that identity-provider user, or for every user who has it.
   */
  const expireRoute = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readJsonObject(req)
      const { connectionId, username } = body
      if (typeof connectionId !== 'string' || connectionId === '') {
        throw new BadRequestError('"connectionId" must be a non-empty string')
      }
      if (username !== undefined && typeof username !== 'string') {
        throw new BadRequestError('"username" must be a string')
      }
      const only = username === undefined ? undefined : bwellUserId(origins.medblocks, username)
      const holders = options.connections.holders(connectionId).filter((id) => !only || id === only)
      for (const userId of holders) options.connections.end(userId, connectionId, 'EXPIRED')
      sendJson(res, 200, { expired: holders.length })
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error
      sendJson(res, 400, { error: 'invalid_request', error_description: error.message })
    }
  }

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
    } else if (
      path === '/__test__/connections/expire' &&
      options.testMode &&
      req.method === 'POST'
    ) {
      await expireRoute(req, res)
    } else if (!(await systemAuth(req, res, path))) {
      notFound(res)
    }
  }
}
