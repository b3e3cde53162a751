import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyHttpFaults, type FaultStore } from '../faults.ts'
import { redirect } from '../http.ts'
import type { PortalCodes } from '../portal.ts'
import type { ConnectionStore } from './connections.ts'
import { findSource } from './dataSources.ts'
import type { FlowAuthority } from './flow.ts'
import type { StatusCode } from './statusCodes.ts'

interface CallbackOptions {
  /** Where the hosted completion page lives: `${bwell}/oauth/complete`. */
  completeUrl: string
  flows: FlowAuthority
  codes: PortalCodes
  connections: ConnectionStore
  faults: FaultStore
}

/** A parameter that appears exactly once, else `undefined` (a repeat is as bad as none). */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name)
  return values.length === 1 ? values[0] : undefined
}

/**
 * The return target with `status_code` appended, and nothing else: the registered URL has no
 * query of its own, and any `status_code` already there is replaced so the value appears once.
 */
export function withStatusCode(target: string, statusCode: StatusCode): string {
  const url = new URL(target)
  url.searchParams.delete('status_code')
  url.searchParams.append('status_code', statusCode)
  return url.href
}

/**
 * `GET /oauth/callback`, where the provider portal returns. It checks `state` against the flow
 * JWT (`unauthorized` on mismatch), the JWT's expiry (`expired`), the provider's answer; stores
 * the connection on success (a reconnect restarts its sync); and redirects to the hosted
 * completion page or to the custom redirect URL registered for the client key.
 */
export function createCallback(options: CallbackOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams
    const check = await options.flows.check(single(params, 'state'), single(params, 'flow'))
    const claims = check.claims
    const context = {
      target: 'callback' as const,
      connectionId: claims?.connectionId,
      providerId: claims?.providerId,
    }
    if (await applyHttpFaults(options.faults, context, res)) return
    let statusCode: StatusCode
    if (!check.ok) {
      statusCode = check.reason
    } else {
      const error = single(params, 'error')
      const code = single(params, 'code')
      if (error === 'access_denied') statusCode = 'cancelled'
      else if (error !== undefined || code === undefined) statusCode = 'error'
      else if (!options.codes.redeem(code, check.claims.flowId)) statusCode = 'error'
      else statusCode = 'success'
    }
    const source = claims && findSource(claims.connectionId)
    if (claims && source && statusCode === 'success') {
      options.connections.connect(claims.username, source)
    }
    if (claims && statusCode === 'expired') {
      options.connections.end(claims.username, claims.connectionId, 'EXPIRED')
    }
    // Only a return target from a signed flow is used; an unauthenticated callback goes to b.well.
    const target = claims?.redirectUri ?? options.completeUrl
    redirect(res, withStatusCode(target, statusCode), 302)
  }
}
