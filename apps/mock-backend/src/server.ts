import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { clientRegistrations } from './bwell/clientKeys.ts'
import { ConnectionStore, type LifecycleTimings } from './bwell/connections.ts'
import { FlowAuthority } from './bwell/flow.ts'
import { createBwell } from './bwell/server.ts'
import {
  accessTokenTtlSeconds,
  SessionAuthority,
  testAccessTokenTtlSeconds,
} from './bwell/session.ts'
import { type Clock, systemClock } from './clock.ts'
import type { Origins } from './config.ts'
import { FaultStore } from './faults.ts'
import { sendJson } from './http.ts'
import { signingKey } from './keys.ts'
import { createMedblocks } from './medblocks/server.ts'
import { createOpescare } from './opescare.ts'
import { createPortal, PortalCodes } from './portal.ts'

/** A running mock backend. */
export interface MockBackend {
  /** The origins actually bound (port `0` replaced by the chosen port). */
  origins: Origins
  /** Stops all four listeners and drops their connections. */
  close(): Promise<void>
}

/** Options for {@link startMockBackend}. */
export interface MockBackendOptions {
  /**
   * Mounts the fault-injection route `/__test__/faults` on the b.well origin. Defaults to
   * `MOCK_BACKEND_TEST === '1'`.
   */
  testMode?: boolean
  /**
   * The stand-ins' clock: b.well's session tokens and connection lifecycle, the OpesCare
   * heartbeat's timestamp skew. Default: the process clock.
   */
  clock?: Clock
  /**
   * Lifetime of b.well's access and id tokens, in seconds. Default 3600, or 120 in test mode
   * (or `MOCK_BWELL_TOKEN_TTL`), so a client's refresh runs inside an e2e test.
   */
  bwellTokenTtlSeconds?: number
  /** How long a new connection stays `PENDING`, then `RETRIEVING` (default 2 s, then 5 s). */
  lifecycle?: LifecycleTimings
  /** How the `latency` fault waits. Default: a real timer. Tests inject one they control. */
  delay?: (ms: number) => Promise<void>
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void

const services = ['bwell', 'portal', 'medblocks', 'opescare'] as const

const notFoundBody = JSON.stringify({ error: 'not_found' })

/**
 * Makes a plain-text 404 (Koa's default under oidc-provider, for a route it does not know) the
 * JSON `{ "error": "not_found" }` every other route gives, so every origin answers like an API.
 */
function jsonNotFound(res: ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
  const replacement = (...args: unknown[]): ServerResponse => {
    const type = String(res.getHeader('content-type') ?? '')
    if (
      res.statusCode === 404 &&
      !res.headersSent &&
      (type === '' || type.startsWith('text/plain'))
    ) {
      res.setHeader('content-type', 'application/json; charset=utf-8')
      res.setHeader('content-length', Buffer.byteLength(notFoundBody))
      return end(notFoundBody)
    }
    return end(...args)
  }
  res.end = replacement as ServerResponse['end']
}

/** Answers an unexpected failure as a bare `500 server_error`: no stack, no detail. */
function guarded(name: string, handler: () => Handler) {
  return (req: IncomingMessage, res: ServerResponse) => {
    jsonNotFound(res)
    Promise.resolve()
      .then(() => handler()(req, res))
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : 'unknown error'
        console.error(`${name}: ${req.method} ${req.url?.split('?')[0]} failed: ${message}`)
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error' })
        else res.destroy()
      })
  }
}

function listen(server: Server, origin: string): Promise<string> {
  const url = new URL(origin)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(Number(url.port), url.hostname, () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      resolve(`${url.protocol}//${url.hostname}:${port}`)
    })
  })
}

function closeAll(servers: Server[]): Promise<void> {
  return Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections()
          s.close(() => resolve())
        }),
    ),
  ).then(() => undefined)
}

/**
 * Starts the four stand-ins. A port of `0` in an origin picks a free port; the returned
 * `origins` hold the real ones, and every issuer, redirect URI and link uses them.
 * @param origins where to listen; `app` is the registered app origin (CORS, redirects,
 *   `postMessage` target)
 * @throws when a port cannot be bound (all listeners are closed first)
 */
export async function startMockBackend(
  origins: Origins,
  options: MockBackendOptions = {},
): Promise<MockBackend> {
  const testMode = options.testMode ?? process.env.MOCK_BACKEND_TEST === '1'
  const handlers: Partial<Record<(typeof services)[number], Handler>> = {}
  const notReady: Handler = (_req, res) => sendJson(res, 503, { error: 'starting' })
  const servers = services.map((name) =>
    createServer(guarded(name, () => handlers[name] ?? notReady)),
  )
  const bound: Origins = { ...origins }
  try {
    for (const [index, name] of services.entries()) {
      bound[name] = await listen(servers[index] as Server, origins[name])
    }
    const [bwellKey, medblocksKey, opescareKey] = await Promise.all([
      signingKey('bwell'),
      signingKey('medblocks'),
      signingKey('opescare'),
    ])
    const clock = options.clock ?? systemClock
    const faults = new FaultStore(options.delay)
    const connections = new ConnectionStore(clock, options.lifecycle)
    const codes = new PortalCodes()
    const callbackUrl = `${bound.bwell}/oauth/callback`
    const flows = new FlowAuthority(bwellKey, bound.bwell, callbackUrl, clock)
    const medblocks = createMedblocks(bound.medblocks, bound.app, medblocksKey, faults)
    const clients = clientRegistrations(bound)
    const envTtl = Number(process.env.MOCK_BWELL_TOKEN_TTL)
    const sessions = new SessionAuthority({
      key: bwellKey,
      issuer: bound.bwell,
      clients,
      clock,
      accessTtlSeconds:
        options.bwellTokenTtlSeconds ??
        (testMode
          ? Number.isInteger(envTtl) && envTtl > 0
            ? envTtl
            : testAccessTokenTtlSeconds
          : accessTokenTtlSeconds),
    })
    handlers.medblocks = medblocks.handler
    handlers.bwell = createBwell({
      origins: bound,
      key: bwellKey,
      clients,
      sessions,
      connections,
      flows,
      codes,
      faults,
      testMode,
    })
    handlers.portal = createPortal({ callbackUrl, flows, codes, faults })
    handlers.opescare = createOpescare({ origin: bound.opescare, key: opescareKey, faults, clock })
  } catch (error) {
    await closeAll(servers)
    throw error
  }
  return { origins: bound, close: () => closeAll(servers) }
}
