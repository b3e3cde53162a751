/**
 * Test helpers for other packages: `import { startMockForTests } from '@oauth-connect/mock-backend/testing'`.
 *
 * Starts the whole mock (b.well, provider portal, Medblocks-style server, OpesCare) on free
 * loopback ports, in test mode (the `/__test__/faults` route is mounted), and hands back what a
 * test needs to talk to it: the origins, the b.well GraphQL endpoint, the seeded client keys,
 * identity tokens for the seeded users, the BASIC credentials, a fault switch and `close()`.
 *
 * ```ts
 * const mock = await startMockForTests()
 * const idToken = await mock.identityTokenFor('amy.shaw')
 * const res = await fetch(mock.graphqlEndpoint, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json', authorization: idToken, clientkey: mock.clientKeys.hosted },
 *   body: JSON.stringify({ query: '{ getToken { accessToken { jwtToken } } }' }),
 * })
 * await mock.close()
 * ```
 */
import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { seededClientKeys } from './bwell/clientKeys.ts'
import { seededBasicCredentials } from './bwell/dataSources.ts'
import { directFetch } from './bwell/directFetch.ts'
import type { ManualClock } from './clock.ts'
import type { Origins } from './config.ts'
import type { FaultKind, FaultTarget } from './faults.ts'
import { signingKey } from './keys.ts'
import { spaClientId } from './medblocks/provider.ts'
import { findUser, seededUsers } from './medblocks/users.ts'
import { startMockBackend } from './server.ts'

export { type ConsentResult, consent } from './bwell/consent.ts'
export { bwellContractSdl } from './bwell/contract.ts'
export { ManualClock } from './clock.ts'
export type { Origins } from './config.ts'
export type { PortalDecision } from './portal.ts'

/** Options of {@link startMockForTests}. */
export interface MockForTestsOptions {
  /** The registered app origin (CORS, the custom redirect URL, `postMessage` target). Default `http://localhost:5173`. */
  appOrigin?: string
  /**
   * A clock for the b.well stand-in (its token lifetimes and the connection lifecycle). Default: the
   * process clock. Pass a {@link ManualClock} to move time with `advance()` instead of sleeping.
   */
  clock?: ManualClock
  /**
   * How the `latency` fault waits. Default: a real timer. A test can pass one it resolves itself
   * to prove a response is held without measuring time.
   */
  delay?: (ms: number) => Promise<void>
}

/** A fault the mock can inject; the body of `POST /__test__/faults` (see the mock's README). */
export interface MockFault {
  kind: FaultKind
  /** Required for `latency`, `status` and `malformedJson`; refused for the other kinds. */
  target?: FaultTarget
  /** Every key given must equal the request's value (`username` is the identity-provider user). */
  match?: Partial<
    Record<'operation' | 'providerId' | 'connectionId' | 'username' | 'clientId', string>
  >
  /** How many matching requests it hits (default 1). */
  times?: number
  /** `latency` only: how long the answer is held. */
  ms?: number
  /** `status` only: the HTTP status (default 503). */
  status?: number
  /** `shortTokenLifetime` only (Medblocks access tokens). */
  seconds?: number
}

export type { FaultKind, FaultTarget } from './faults.ts'

/** A running mock, from {@link startMockForTests}. */
export interface MockForTests {
  /** Every origin actually bound (`bwell`, `portal`, `medblocks`, `opescare`, and `app`). */
  origins: Origins
  /** b.well's GraphQL endpoint: `${origins.bwell}/v1/graphql`. */
  graphqlEndpoint: string
  /**
   * The seeded b.well client keys (base64 JSON, as b.well issues them). `hosted` ends the OAuth
   * flow on b.well's hosted completion page; `customRedirect` on `{appOrigin}/connect/callback?status_code=…`.
   */
  clientKeys: { hosted: string; customRedirect: string }
  /** The seeded identity-provider users (Medblocks-style server's `seededUsers`, e.g. `amy.shaw`, `james.chalmers`). */
  usernames: readonly string[]
  /** Username and password per `BASIC` data source slug, accepted by `createConnection`. */
  basicCredentials: Readonly<Record<string, { username: string; password: string }>>
  /**
   * A valid raw identity-provider token for a seeded user: the OIDC ID token the Medblocks-style
   * server would issue to the demo SPA (RS256, signed with that server's key, `iss` its origin,
   * `aud` `oauth-connect-demo`). Send it as `Authorization` (no `Bearer `) to `getToken`.
   * @param options.expiresInSeconds lifetime from the mock's clock (default 3600; negative: already expired)
   * @throws {TypeError} for a username that is not seeded
   */
  identityTokenFor(username: string, options?: { expiresInSeconds?: number }): Promise<string>
  /** Arms a fault through `POST /__test__/faults`; resolves to its id. */
  fault(fault: MockFault): Promise<string>
  /** Disarms every fault. */
  clearFaults(): Promise<void>
  /**
   * Marks a member connection `EXPIRED` (as when the provider's token runs out), for one seeded
   * user or for every user holding it. Resolves to how many connections it expired.
   */
  expireConnection(connectionId: string, username?: string): Promise<number>
  /** Stops every listener. */
  close(): Promise<void>
}

const isString = (value: unknown): value is string => typeof value === 'string'
const isNumber = (value: unknown): value is number => typeof value === 'number'

/**
 * POSTs JSON to one of the mock's test routes.
 * @returns `field` of the JSON answer
 * @throws {Error} `${what} refused: …` when the status is not `status` or `field` fails `is`
 */
async function postTestRoute<T>(
  what: string,
  url: string,
  body: unknown,
  expected: { status: number; field: string; is: (value: unknown) => value is T },
): Promise<T> {
  const res = await directFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const answer: unknown = await res.json()
  const value =
    typeof answer === 'object' && answer !== null ? Reflect.get(answer, expected.field) : undefined
  if (res.status !== expected.status || !expected.is(value)) {
    throw new Error(`${what} refused: ${res.status} ${JSON.stringify(answer)}`)
  }
  return value
}

/**
 * Starts the whole mock on loopback free ports, in test mode.
 * Call `close()` in `afterAll`/`afterEach`.
 */
export async function startMockForTests(options: MockForTestsOptions = {}): Promise<MockForTests> {
  const clock = options.clock
  const backend = await startMockBackend(
    {
      bwell: 'http://127.0.0.1:0',
      portal: 'http://127.0.0.1:0',
      medblocks: 'http://127.0.0.1:0',
      opescare: 'http://127.0.0.1:0',
      app: options.appOrigin ?? 'http://localhost:5173',
    },
    {
      testMode: true,
      ...(clock ? { clock } : {}),
      ...(options.delay ? { delay: options.delay } : {}),
    },
  )
  const { origins } = backend
  const faultsUrl = `${origins.bwell}/__test__/faults`
  return {
    origins,
    graphqlEndpoint: `${origins.bwell}/v1/graphql`,
    clientKeys: { ...seededClientKeys },
    usernames: seededUsers.map((u) => u.username),
    basicCredentials: seededBasicCredentials,
    async identityTokenFor(username, tokenOptions = {}) {
      const user = findUser(username)
      if (!user) {
        throw Object.assign(
          new TypeError(`"username" ${JSON.stringify(username)} is not a seeded user`),
          {
            code: 'unknown_user',
          },
        )
      }
      const key = await signingKey('medblocks')
      const now = Math.floor((clock?.now() ?? Date.now()) / 1000)
      return new SignJWT({ name: user.name, preferred_username: user.username })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuer(origins.medblocks)
        .setAudience(spaClientId)
        .setSubject(user.username)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + (tokenOptions.expiresInSeconds ?? 3600))
        .sign(key.privateKey)
    },
    fault: (fault) =>
      postTestRoute('fault', faultsUrl, fault, { status: 201, field: 'id', is: isString }),
    async clearFaults() {
      await directFetch(faultsUrl, { method: 'DELETE' })
    },
    expireConnection: (connectionId, username) =>
      postTestRoute(
        'expire',
        `${origins.bwell}/__test__/connections/expire`,
        { connectionId, username },
        { status: 200, field: 'expired', is: isNumber },
      ),
    close: () => backend.close(),
  }
}
