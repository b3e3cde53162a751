import { type AuthServer, createTestClient, startAuthServer } from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LoginError } from './errors.ts'
import type { LoginClient, LoginClientOptions } from './loginClient.ts'
import type { LoginServer } from './server.ts'
import type { SessionContext } from './session.ts'

let server: AuthServer
let navigations: URL[]
const clients: LoginClient[] = []

function makeClient(overrides: Partial<LoginClientOptions> = {}, loginServer?: LoginServer) {
  const client = createTestClient(server, navigations, overrides, loginServer)
  clients.push(client)
  return client
}

async function signIn(client: LoginClient) {
  await client.login()
  const url = navigations.at(-1)
  if (!url) throw new Error('login did not navigate')
  return client.handleCallback(server.approve(url))
}

beforeEach(async () => {
  sessionStorage.clear()
  history.replaceState(null, '', '/records')
  navigations = []
  server = await startAuthServer()
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await server.close()
})

describe('login client hook points', () => {
  it('should add authorizationParams without letting them replace its own parameters', async () => {
    const client = makeClient({
      authorizationParams: {
        aud: 'https://fhir.example/r4',
        state: 'chosen-by-the-app',
        code_challenge_method: 'plain',
        redirect_uri: 'https://evil.example/callback',
      },
    })
    await client.login()
    const params = navigations[0]?.searchParams
    expect(params?.get('aud')).toBe('https://fhir.example/r4')
    expect(params?.get('state')).not.toBe('chosen-by-the-app')
    expect(params?.get('code_challenge_method')).toBe('S256')
    expect(params?.get('redirect_uri')).toBe(`${location.origin}/callback`)
  })

  it('should keep what tokenContext returns, hand it back on refresh, and drop it at sign-out', async () => {
    const seen: (SessionContext | undefined)[] = []
    const client = makeClient({
      tokenContext: (response, previous) => {
        seen.push(previous)
        return {
          responses: ((previous?.responses as number | undefined) ?? 0) + 1,
          type: response.token_type,
        }
      },
    })
    await signIn(client)
    expect(client.getSnapshot().context).toEqual({ responses: 1, type: 'bearer' })
    server.expireAccessTokens()
    expect((await client.fetch(`${server.fhirBase}/Patient`)).status).toBe(200)
    expect(client.getSnapshot().context).toEqual({ responses: 2, type: 'bearer' })
    expect(seen).toEqual([undefined, { responses: 1, type: 'bearer' }])
    await client.logout()
    expect(client.getSnapshot().context).toBeUndefined()
  })

  it('should store nothing when tokenContext refuses the response, and report its error', async () => {
    const refusal = new LoginError('launch_patient_missing', 'no "patient"')
    const client = makeClient({
      tokenContext: () => {
        throw refusal
      },
    })
    await expect(signIn(client)).rejects.toBe(refusal)
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error: refusal })
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_signed_in' })
  })

  it('should find the metadata through DiscoveredServer.discover, again after a failure', async () => {
    let calls = 0
    const client = makeClient(
      {},
      {
        issuer: server.fhirBase,
        async discover(url, insecure) {
          calls++
          expect(url.href).toBe(server.fhirBase)
          expect(insecure).toBe(true)
          if (calls === 1) throw new TypeError('no answer')
          return {
            issuer: server.issuer,
            authorization_endpoint: `${server.issuer}/oauth2/auth`,
            token_endpoint: `${server.issuer}/oauth2/token`,
          }
        },
      },
    )
    await expect(client.login()).rejects.toMatchObject({
      code: 'discovery_failed',
      cause: new TypeError('no answer'),
    })
    await signIn(client)
    expect(client.getSnapshot().status).toBe('signed-in')
    expect(calls).toBe(2)
    expect(server.log()).toEqual(['POST /oauth2/token'])
  })
})
