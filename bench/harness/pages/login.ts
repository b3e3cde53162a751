// The login client's benchmark page. The generated entry passes in the run-time namespace of
// `@oauth-connect/core/login`, so this file uses only what the entry exports (createLoginClient,
// fixedEndpoints, sessionStore) and names any export it needs but cannot find.

/** The harness's authorization server, as the page gets it in its `server` query parameter. */
export interface LoginServerConfig {
  readonly issuer: string
  readonly authorizationEndpoint: string
  readonly tokenEndpoint: string
  readonly revocationEndpoint: string
  /** A resource on the authorization server's origin that checks the bearer. */
  readonly resource: string
  readonly clientId: string
  readonly scope: string
}

/** Where the client keeps the session: memory only, or memory plus `sessionStore`. */
export type LoginStorage = 'memory' | 'sessionStore'

/** What a series of sign-in cycles did. */
export interface LoginLeakRun {
  readonly cycles: number
  /** Cycles that threw or saw the wrong state somewhere; their first 20 in `failures`. */
  readonly failed: number
  readonly failures: readonly string[]
  readonly elapsedMs: number
}

export interface LoginBenchApi {
  readonly exports: readonly string[]
  /** Creates the page's client (closing any previous one). */
  open(storage: LoginStorage): void
  /**
   * Runs `count` cycles one after another in the open client: `login()` (redirect mode, its
   * navigation captured) → the authorize endpoint → `handleCallback(url)` → `fetch(resource)`
   * (401 invalid_token, refresh, retry) → `getAccessToken()` with an expired token (refresh) →
   * `logout()` (revocation).
   */
  cycles(count: number): Promise<LoginLeakRun>
  /** `close()` on the open client. */
  close(): void
}

declare global {
  interface Window {
    loginBench?: LoginBenchApi
    benchError?: string
  }
}

/** The part of a login client the cycles use. */
interface LoginClientLike {
  login(options?: { returnTo?: string }): Promise<void>
  handleCallback(url?: string | URL): Promise<{ returnTo: string }>
  getAccessToken(): Promise<string>
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  logout(): Promise<void>
  getSnapshot(): { status: string; error?: { code?: unknown } | undefined }
  close(): void
}

type Fn = (...args: never[]) => unknown

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null
const isFunction = (value: unknown): value is Fn => typeof value === 'function'

function isLoginClient(value: unknown): value is LoginClientLike {
  return (
    isRecord(value) &&
    ['login', 'handleCallback', 'getAccessToken', 'fetch', 'logout', 'getSnapshot', 'close'].every(
      (name) => isFunction(value[name]),
    )
  )
}

function need<T>(mod: Record<string, unknown>, name: string, guard: (v: unknown) => v is T): T {
  const value = mod[name]
  if (!guard(value)) {
    throw new Error(
      `missing export "${name}" from "@oauth-connect/core/login" (it exports at run time: ${Object.keys(mod).sort().join(', ')})`,
    )
  }
  return value
}

function isServerConfig(value: unknown): value is LoginServerConfig {
  return (
    isRecord(value) &&
    [
      'issuer',
      'authorizationEndpoint',
      'tokenEndpoint',
      'revocationEndpoint',
      'resource',
      'clientId',
      'scope',
    ].every((name) => typeof value[name] === 'string')
  )
}

const now = () => performance.timeOrigin + performance.now()

/**
 * Installs `window.loginBench`.
 *
 * @param mod the run-time namespace of `@oauth-connect/core/login`
 */
export function install(mod: Record<string, unknown>): void {
  try {
    const createLoginClient = need(mod, 'createLoginClient', isFunction) as (
      server: unknown,
      options: Record<string, unknown>,
    ) => unknown
    const fixedEndpoints = need(mod, 'fixedEndpoints', isFunction) as (
      server: Record<string, string>,
    ) => unknown
    const sessionStore = need(mod, 'sessionStore', isRecord)
    const config: unknown = JSON.parse(new URLSearchParams(location.search).get('server') ?? 'null')
    if (!isServerConfig(config)) throw new Error('the login page has no "server" parameter')
    const redirectUri = `${location.origin}/login/callback`
    const resourceOrigin = new URL(config.resource).origin

    let client: LoginClientLike | undefined
    // Redirect mode's `navigate`: the authorization URL is kept instead of leaving the page.
    let navigatedTo: URL | undefined

    const open = (storage: LoginStorage) => {
      client?.close()
      const created = createLoginClient(
        fixedEndpoints({
          issuer: config.issuer,
          authorizationEndpoint: config.authorizationEndpoint,
          tokenEndpoint: config.tokenEndpoint,
          revocationEndpoint: config.revocationEndpoint,
        }),
        {
          clientId: config.clientId,
          redirectUri,
          scope: config.scope,
          storage: storage === 'memory' ? 'memory' : sessionStore,
          allowInsecureLoopback: true,
          resourceOrigins: [resourceOrigin],
          navigate: (url: URL) => {
            navigatedTo = url
          },
        },
      )
      if (!isLoginClient(created)) throw new Error('createLoginClient returned no login client')
      client = created
    }

    const expectStatus = (c: LoginClientLike, status: string, step: string) => {
      const snapshot = c.getSnapshot()
      if (snapshot.status !== status) {
        throw new Error(
          `${step}: status ${snapshot.status} (error ${String(snapshot.error?.code)}), not ${status}`,
        )
      }
    }

    const cycle = async (c: LoginClientLike) => {
      navigatedTo = undefined
      await c.login({ returnTo: '/login?from=bench' })
      const authorizationUrl = navigatedTo as URL | undefined
      if (authorizationUrl === undefined) throw new Error('login: no navigation to authorize')
      // The authorization server answers the request with JSON in place of consent + redirect.
      const authorized = await fetch(authorizationUrl, { headers: { accept: 'application/json' } })
      const answer: unknown = await authorized.json()
      if (
        !authorized.ok ||
        !isRecord(answer) ||
        typeof answer.code !== 'string' ||
        typeof answer.state !== 'string' ||
        typeof answer.iss !== 'string'
      ) {
        throw new Error(`authorize: ${authorized.status} ${JSON.stringify(answer)}`)
      }
      const callback = new URL(redirectUri)
      callback.searchParams.set('code', answer.code)
      callback.searchParams.set('state', answer.state)
      callback.searchParams.set('iss', answer.iss)
      const { returnTo } = await c.handleCallback(callback)
      if (returnTo !== '/login?from=bench') throw new Error(`handleCallback: returnTo ${returnTo}`)
      expectStatus(c, 'signed-in', 'handleCallback')
      // The resource refuses the code grant's token: fetch refreshes once and retries.
      const response = await c.fetch(config.resource)
      if (response.status !== 200) throw new Error(`fetch: ${response.status}`)
      await response.arrayBuffer()
      // The refreshed token expires in 1 s, inside the 60 s leeway: this refreshes again.
      const token = await c.getAccessToken()
      if (token === '') throw new Error('getAccessToken: empty token')
      expectStatus(c, 'signed-in', 'getAccessToken')
      await c.logout()
      expectStatus(c, 'signed-out', 'logout')
    }

    const cycles = async (count: number): Promise<LoginLeakRun> => {
      const c = client
      if (c === undefined) throw new Error('open() a client first')
      const failures: string[] = []
      let failed = 0
      const started = now()
      for (let i = 0; i < count; i++) {
        try {
          await cycle(c)
        } catch (error) {
          failed += 1
          if (failures.length < 20) {
            failures.push(`#${i}: ${error instanceof Error ? error.message : String(error)}`)
          }
          // Leave the next cycle a signed-out client.
          await c.logout().catch(() => undefined)
        }
      }
      return { cycles: count, failed, failures, elapsedMs: now() - started }
    }

    window.loginBench = {
      exports: Object.keys(mod).sort(),
      open,
      cycles,
      close() {
        client?.close()
        client = undefined
      },
    }
  } catch (error) {
    window.benchError = error instanceof Error ? error.message : String(error)
  }
}
