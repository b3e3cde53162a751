/// <reference types="node" />
// A small authorization server and FHIR resource for the login client's tests. It records every
// request (preflights apart) so a test can assert exactly what was sent, and it takes per-request
// faults. ID tokens are RS256, signed with WebCrypto.
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** One request the server received. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage['headers']
  readonly body: URLSearchParams
  /** The test page's address when the request arrived (server and page share the process). */
  readonly pageUrl: string | undefined
}

/** A canned answer that replaces the next matching request's normal handling. */
export interface Fault {
  readonly status?: number
  readonly body?: string
  readonly headers?: Record<string, string>
}

/** Options of {@link startAuthServer}. */
export interface AuthServerOptions {
  readonly clientId?: string
  /** Advertise `authorization_response_iss_parameter_supported`. Default true. */
  readonly issParameter?: boolean
  /** Serve `/.well-known/openid-configuration`. Default true; false serves only RFC 8414. */
  readonly openidConfiguration?: boolean
  /** Advertise and serve revocation. Default true. */
  readonly revocation?: boolean
  /** Medblocks' token shape: lowercase `bearer`, `expires_in` 3599, empty `scope`. Default true. */
  readonly medblocksShape?: boolean
  /** The `issuer` the discovery document names, from the server's own; default the same. */
  readonly metadataIssuer?: (issuer: string) => string
  /**
   * Act as a SMART server: serve `/fhir/.well-known/smart-configuration` (this document, or the
   * server's own when it returns `undefined`), refuse an `aud` other than the FHIR base in
   * `approve` with `invalid_target`, and add `tokenFields` to every token response.
   */
  readonly smart?: {
    readonly configuration?: (issuer: string) => unknown
    readonly tokenFields?: (grant: { sub: string; scope: string }) => Record<string, unknown>
  }
}

interface Grant {
  readonly sub: string
  readonly scope: string
  readonly nonce: string | undefined
  readonly challenge: string
  readonly redirectUri: string
}

const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url')

/** The display name the server puts in ID tokens and Patients; `amy.shaw` is Amy V. Shaw. */
export const displayName = (sub: string) => (sub === 'amy.shaw' ? 'Amy V. Shaw' : sub)

/** A change to the next ID token the server issues: claims to override, or a broken signature. */
export type IdTokenTamper = Readonly<Record<string, unknown>> | 'bad-signature'

/** Starts the server on 127.0.0.1 with a free port. Close it in `afterEach`. */
export async function startAuthServer(options: AuthServerOptions = {}) {
  const clientId = options.clientId ?? 'test-client'
  const keys = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )
  const requests: RecordedRequest[] = []
  const faults = new Map<string, Fault[]>()
  const codes = new Map<string, Grant & { used: boolean }>()
  /** Refresh tokens by value; `rotated` ones are spent, and replaying one revokes the family. */
  const refreshTokens = new Map<string, { grant: Grant; family: string; rotated: boolean }>()
  const revokedFamilies = new Set<string>()
  const accessTokens = new Map<string, { family: string; expired: boolean; sub: string }>()
  const holds = new Map<string, (() => Promise<void>)[]>()
  const tampers: IdTokenTamper[] = []
  let counter = 0
  const next = (prefix: string) => `${prefix}-${++counter}`

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const issuer = `http://127.0.0.1:${address.port}`
  const fhirBase = `${issuer}/fhir`

  async function signIdToken(grant: Grant): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const tamper = tampers.shift()
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }))
    const payload = base64url(
      JSON.stringify({
        iss: issuer,
        sub: grant.sub,
        aud: clientId,
        iat: now,
        exp: now + 300,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        name: displayName(grant.sub),
        ...(typeof tamper === 'object' ? tamper : {}),
      }),
    )
    const signature = new Uint8Array(
      await crypto.subtle.sign(
        'RSASSA-PKCS1-v1_5',
        keys.privateKey,
        new TextEncoder().encode(`${header}.${payload}`),
      ),
    )
    if (tamper === 'bad-signature') signature[0] = (signature[0] ?? 0) ^ 0xff
    return `${header}.${payload}.${base64url(signature)}`
  }

  function send(res: ServerResponse, status: number, body: unknown, headers = {}) {
    res.writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...headers,
    })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }

  async function issueTokens(
    res: ServerResponse,
    grant: Grant,
    family: string,
    withIdToken: boolean,
  ) {
    const accessToken = next('at')
    const refreshToken = next('rt')
    accessTokens.set(accessToken, { family, expired: false, sub: grant.sub })
    refreshTokens.set(refreshToken, { grant, family, rotated: false })
    const medblocks = options.medblocksShape ?? true
    send(res, 200, {
      access_token: accessToken,
      token_type: medblocks ? 'bearer' : 'Bearer',
      expires_in: medblocks ? 3599 : 3600,
      scope: medblocks ? '' : grant.scope,
      refresh_token: refreshToken,
      ...options.smart?.tokenFields?.(grant),
      ...(withIdToken && grant.scope.split(' ').includes('openid')
        ? { id_token: await signIdToken(grant) }
        : {}),
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    res.setHeader('access-control-allow-origin', '*')
    res.setHeader('access-control-expose-headers', 'www-authenticate')
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-headers': 'authorization, content-type, accept, dpop',
        'access-control-allow-methods': 'GET, POST',
      })
      res.end()
      return
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = new URL(req.url ?? '/', issuer)
    const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      headers: req.headers,
      body,
      pageUrl: typeof location === 'undefined' ? undefined : location.href,
    })
    await holds.get(url.pathname)?.shift()?.()
    const fault = faults.get(url.pathname)?.shift()
    if (fault) {
      send(res, fault.status ?? 200, fault.body ?? '', fault.headers)
      return
    }
    const path = url.pathname
    if (path === '/.well-known/openid-configuration' && options.openidConfiguration !== false) {
      send(res, 200, metadata())
    } else if (path === '/fhir/.well-known/smart-configuration' && options.smart) {
      send(res, 200, options.smart.configuration?.(issuer) ?? smartConfiguration())
    } else if (path === '/.well-known/oauth-authorization-server') {
      send(res, 200, metadata())
    } else if (path === '/oauth2/token' && req.method === 'POST') {
      await token(res, body)
    } else if (path === '/oauth2/revoke' && req.method === 'POST' && options.revocation !== false) {
      const family = refreshTokens.get(body.get('token') ?? '')?.family
      if (family) revokedFamilies.add(family)
      res.writeHead(200)
      res.end()
    } else if (path.startsWith('/fhir/')) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      const record = token === undefined ? undefined : accessTokens.get(token)
      if (!record || record.expired || revokedFamilies.has(record.family)) {
        send(
          res,
          401,
          { resourceType: 'OperationOutcome' },
          {
            'www-authenticate': 'Bearer error="invalid_token"',
          },
        )
      } else if (path === '/fhir/redirect') {
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/' })
        res.end()
      } else {
        // The Patient search finds the token's own user, like the mock's /fhir/Patient.
        const entry =
          path === '/fhir/Patient'
            ? [
                {
                  resource: {
                    resourceType: 'Patient',
                    id: record.sub,
                    name: [{ text: displayName(record.sub) }],
                  },
                },
              ]
            : []
        send(
          res,
          200,
          { resourceType: 'Bundle', type: 'searchset', entry },
          { 'content-type': 'application/fhir+json' },
        )
      }
    } else {
      send(res, 404, { error: 'not_found' })
    }
  }

  async function token(res: ServerResponse, body: URLSearchParams) {
    if (body.get('client_id') !== clientId) {
      send(res, 401, { error: 'invalid_client' })
      return
    }
    if (body.get('grant_type') === 'authorization_code') {
      const code = codes.get(body.get('code') ?? '')
      const verifier = body.get('code_verifier') ?? ''
      const challenge = createHash('sha256').update(verifier).digest('base64url')
      if (
        !code ||
        code.used ||
        code.redirectUri !== body.get('redirect_uri') ||
        code.challenge !== challenge
      ) {
        if (code) code.used = true
        send(res, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' })
        return
      }
      code.used = true
      await issueTokens(res, code, next('family'), true)
      return
    }
    if (body.get('grant_type') === 'refresh_token') {
      const record = refreshTokens.get(body.get('refresh_token') ?? '')
      if (!record || record.rotated || revokedFamilies.has(record.family)) {
        // Like oidc-provider: replaying a rotated refresh token revokes the whole grant.
        if (record) revokedFamilies.add(record.family)
        send(res, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' })
        return
      }
      record.rotated = true
      await issueTokens(res, record.grant, record.family, true)
      return
    }
    send(res, 400, { error: 'unsupported_grant_type' })
  }

  function metadata() {
    return {
      issuer: options.metadataIssuer?.(issuer) ?? issuer,
      authorization_endpoint: `${issuer}/oauth2/auth`,
      token_endpoint: `${issuer}/oauth2/token`,
      ...(options.revocation === false ? {} : { revocation_endpoint: `${issuer}/oauth2/revoke` }),
      end_session_endpoint: `${issuer}/oauth2/session/end`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      authorization_response_iss_parameter_supported: options.issParameter ?? true,
    }
  }

  function smartConfiguration() {
    return {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/auth`,
      token_endpoint: `${issuer}/oauth2/token`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      capabilities: ['launch-standalone', 'context-standalone-patient', 'permission-v2'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      scopes_supported: ['openid', 'fhirUser', 'launch/patient', 'patient/*.rs'],
    }
  }

  return {
    issuer,
    fhirBase,
    clientId,
    /** Every non-preflight request so far, oldest first. */
    requests,
    /** `METHOD /path` of every request so far, for exact assertions. */
    log: () => requests.map((r) => `${r.method} ${r.path}`),
    /** Answers the next request to `path` with `fault` instead of the normal response. */
    fault(path: string, fault: Fault) {
      const queue = faults.get(path) ?? []
      queue.push(fault)
      faults.set(path, queue)
    },
    /**
     * Holds the next request to `path` (after its body arrived) until the returned function is
     * called; never calling it is a server that hangs.
     */
    hold(path: string): { release: () => void; reached: Promise<void> } {
      let release = () => {}
      let reach = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      const reached = new Promise<void>((resolve) => {
        reach = resolve
      })
      const queue = holds.get(path) ?? []
      queue.push(() => {
        reach()
        return held
      })
      holds.set(path, queue)
      return { release, reached }
    },
    /** Changes the next ID token the token endpoint issues. */
    tamperNextIdToken(tamper: IdTokenTamper) {
      tampers.push(tamper)
    },
    /** Makes every access token issued so far fail at the resource server. */
    expireAccessTokens() {
      for (const record of accessTokens.values()) record.expired = true
    },
    /**
     * Plays the user approving the authorization request: checks it like the real server does
     * and returns the callback URL with a fresh code.
     */
    approve(authorizationUrl: URL, sub = 'amy.shaw'): URL {
      const p = authorizationUrl.searchParams
      if (authorizationUrl.href.split('?')[0] !== `${issuer}/oauth2/auth`) {
        throw new Error(`unexpected authorization endpoint ${authorizationUrl.href}`)
      }
      if (
        p.get('response_type') !== 'code' ||
        p.get('client_id') !== clientId ||
        p.get('code_challenge_method') !== 'S256' ||
        !p.get('code_challenge') ||
        !p.get('state') ||
        !p.get('redirect_uri')
      ) {
        throw new Error(`authorization request refused: ${authorizationUrl.search}`)
      }
      const callback = new URL(p.get('redirect_uri') ?? '')
      if (options.smart && p.get('aud') !== fhirBase) {
        callback.searchParams.set('error', 'invalid_target')
        callback.searchParams.set('error_description', '"aud" is not this FHIR server')
        callback.searchParams.set('state', p.get('state') ?? '')
        callback.searchParams.set('iss', issuer)
        return callback
      }
      const code = base64url(randomBytes(16))
      codes.set(code, {
        sub,
        scope: p.get('scope') ?? '',
        nonce: p.get('nonce') ?? undefined,
        challenge: p.get('code_challenge') ?? '',
        redirectUri: p.get('redirect_uri') ?? '',
        used: false,
      })
      callback.searchParams.set('code', code)
      callback.searchParams.set('state', p.get('state') ?? '')
      if (options.issParameter ?? true) callback.searchParams.set('iss', issuer)
      return callback
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The running test server. */
export type AuthServer = Awaited<ReturnType<typeof startAuthServer>>
