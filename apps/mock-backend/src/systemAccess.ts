import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  bwell,
  isOAuthConnectError,
  medblocks,
  opescare,
  type TokenSource,
} from '@oauth-connect/server'
import { bwellSystemClient } from './bwell/systemAuth.ts'
import type { Origins } from './config.ts'
import { applyCors, sendJson } from './http.ts'
import { backendClient } from './medblocks/provider.ts'
import { opescareClient } from './opescare.ts'

/** One system's client-credentials check, as the status route reports it. Never the token. */
export type SystemAccessReport =
  | {
      id: 'bwell' | 'medblocks' | 'opescare'
      name: string
      auth: 'client_secret_post' | 'client_secret_basic' | 'json_body'
      ok: true
      tokenType: 'Bearer'
      expiresAt: string | null
      expiresIn: number | null
      scope: string | null
    }
  | {
      id: 'bwell' | 'medblocks' | 'opescare'
      name: string
      auth: 'client_secret_post' | 'client_secret_basic' | 'json_body'
      ok: false
      error: { name: string; code: string }
    }

interface System {
  id: 'bwell' | 'medblocks' | 'opescare'
  name: string
  auth: 'client_secret_post' | 'client_secret_basic' | 'json_body'
  source: TokenSource
}

/**
 * `GET /system-access/status` on the b.well origin: for each vendor, whether a
 * client-credentials token could be obtained through `@oauth-connect/server`'s presets, with
 * its type, expiry and scopes. The demo shows it; tokens and secrets never leave the server.
 */
export function createSystemAccessStatus(origins: Origins) {
  let systems: System[] | undefined
  // Built on first use: the token sources talk to this same process, which must be listening.
  const build = (): System[] => [
    {
      id: 'bwell',
      name: 'b.well',
      auth: 'client_secret_post',
      source: bwell({
        baseUrl: origins.bwell,
        clientId: bwellSystemClient.id,
        clientSecret: bwellSystemClient.secret,
        scope: 'system/*.read',
      }),
    },
    {
      id: 'medblocks',
      name: 'Medblocks',
      auth: 'client_secret_basic',
      source: medblocks({
        baseUrl: origins.medblocks,
        clientId: backendClient.id,
        clientSecret: backendClient.secret,
      }),
    },
    {
      id: 'opescare',
      name: 'OpesCare',
      auth: 'json_body',
      source: opescare({
        baseUrl: origins.opescare,
        clientId: opescareClient.id,
        clientSecret: opescareClient.secret,
      }),
    },
  ]

  async function check(system: System): Promise<SystemAccessReport> {
    const { id, name, auth } = system
    try {
      const token = await system.source.getToken()
      return {
        id,
        name,
        auth,
        ok: true,
        tokenType: token.tokenType,
        expiresAt: token.expiresAt === undefined ? null : new Date(token.expiresAt).toISOString(),
        expiresIn:
          token.expiresAt === undefined
            ? null
            : Math.max(0, Math.round((token.expiresAt - Date.now()) / 1000)),
        scope: token.scope ?? null,
      }
    } catch (error) {
      // Name and code only: a message could echo a server's error_description verbatim.
      const known = isOAuthConnectError(error)
      return {
        id,
        name,
        auth,
        ok: false,
        error: {
          name: known ? error.name : 'Error',
          code: known ? error.code : 'unknown',
        },
      }
    }
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (applyCors(req, res, origins.app, 'GET, OPTIONS')) return
    if (req.method !== 'GET') {
      sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, OPTIONS' })
      return
    }
    systems ??= build()
    const reports = await Promise.all(systems.map(check))
    sendJson(res, 200, { checkedAt: new Date().toISOString(), systems: reports })
  }
}
