import { customFetch } from 'oauth4webapi'
import { LoginError } from '../login/errors.ts'
import type { DPoPBinding } from './binding.ts'
import { type DPoPKeyStore, defaultKeyStore, type StoredDPoPKey } from './keyStore.ts'
import { createProof } from './proof.ts'

/** Options of {@link dpop}. */
export interface DPoPOptions {
  /**
   * Where the key pair lives between page loads. Default: IndexedDB where available, else memory
   * (the key, and so the session, lasts one page).
   */
  readonly store?: DPoPKeyStore | undefined
}

/** A key pair, and whether a session holds tokens bound to it. */
type Key = StoredDPoPKey

/** Makes an ES256 key pair whose private key cannot be exported (the public one always can). */
export async function generateDPoPKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])
}

/** A response with the status and headers of `response` and the body `text`. */
function withBody(response: Response, text: string): Response {
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  return new Response(text, { status: response.status, statusText: response.statusText, headers })
}

/**
 * Checks that a token response issued a DPoP-bound token (never a bearer token, which would work
 * without the key) and hands it on for the login client, which takes `Bearer` tokens only: this
 * binding's `fetch` turns each one back into `Authorization: DPoP` with a proof. Errors and
 * malformed bodies go on as they are, for the login client's own checks.
 *
 * @throws {LoginError} `token_response_invalid` for a `token_type` other than `DPoP`
 */
function asBoundToken(response: Response, text: string): Response {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return withBody(response, text)
  }
  if (response.status !== 200 || typeof body !== 'object' || body === null) {
    return withBody(response, text)
  }
  const { token_type: type } = body as { token_type?: unknown }
  if (typeof type !== 'string' || type.toLowerCase() !== 'dpop') {
    throw new LoginError(
      'token_response_invalid',
      'unsupported "token_type" value: a DPoP-bound token was asked for',
    )
  }
  return withBody(response, JSON.stringify({ ...body, token_type: 'Bearer' }))
}

/**
 * Sender-constrained tokens (RFC 9449) for the login client: pass `dpop: dpop()` to
 * `createLoginClient`. The key pair is loaded or made now, when the client is created, so no
 * sign-in click waits for it. Token requests and `LoginClient.fetch` to the resource origins then
 * carry proofs, and the tokens are useless without this browser's private key.
 *
 * @param options where the key lives; see {@link DPoPOptions}
 * @returns the login client's `dpop` option
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
export function dpop(options: DPoPOptions = {}): DPoPBinding {
  const store = options.store ?? defaultKeyStore()
  /** The last `DPoP-Nonce` of each origin. */
  const nonces = new Map<string, string>()
  const fresh = async (): Promise<Key> => {
    const key = { keys: await generateDPoPKeyPair(), bound: false }
    await store.save(key)
    return key
  }
  // This page's key: loaded, or made now (when the client is created), and made again at sign-out.
  // A stored key may hold a session from before this page (sessionStore); a new one holds none.
  let local: Promise<Key> = store
    .load()
    .catch(() => undefined)
    .then((stored) => (stored ? { ...stored } : fresh()))

  /**
   * The key for a request: the stored one, which the app's tabs share (another tab may have
   * signed in since), else this page's. Only a code exchange may use a key no session holds yet.
   */
  async function current(exchange: boolean): Promise<CryptoKeyPair> {
    const mine = await local
    const found = (await store.load().catch(() => undefined)) ?? mine
    if (exchange && !found.bound) {
      const key = { keys: found.keys, bound: true }
      local = Promise.resolve(key)
      await store.save(key)
    } else if (!found.bound) {
      throw new LoginError('dpop_key_lost', 'the DPoP key of this session is gone; sign in again')
    }
    return found.keys
  }

  /** Keeps the server's nonce for its origin; `true` when it sent a new one. */
  function keepNonce(url: string, response: Response): boolean {
    const nonce = response.headers.get('dpop-nonce')
    if (nonce) nonces.set(new URL(url).origin, nonce)
    return nonce !== null
  }

  const proof = (keys: CryptoKeyPair, htm: string, url: string, accessToken?: string) =>
    createProof(keys, { htm, url, nonce: nonces.get(new URL(url).origin), accessToken })

  return {
    async [customFetch](url, init) {
      const grant = init.body.get('grant_type')
      // Revocation: no proof needed, none sent.
      if (!grant) return fetch(url, init)
      const keys = await current(grant === 'authorization_code')
      for (let attempt = 0; ; attempt++) {
        const headers = new Headers(init.headers)
        headers.set('dpop', await proof(keys, 'POST', url))
        const response = await fetch(url, { ...init, headers })
        const text = await response.text()
        // A nonce challenge is answered once (RFC 9449 §8).
        if (
          keepNonce(url, response) &&
          attempt === 0 &&
          response.status === 400 &&
          /"error"\s*:\s*"use_dpop_nonce"/.test(text)
        ) {
          continue
        }
        return asBoundToken(response, text)
      }
    },
    async fetch(request) {
      const keys = await current(false)
      const accessToken = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '')
      for (let attempt = 0; ; attempt++) {
        const headers = new Headers(request.headers)
        headers.set('authorization', `DPoP ${accessToken}`)
        headers.set('dpop', await proof(keys, request.method, request.url, accessToken))
        const response = await fetch(new Request(request.clone(), { headers }))
        if (
          keepNonce(request.url, response) &&
          attempt === 0 &&
          response.status === 401 &&
          /^DPoP\b[\s\S]*error="use_dpop_nonce"/i.test(
            response.headers.get('www-authenticate') ?? '',
          )
        ) {
          continue
        }
        return response
      }
    },
    reset() {
      local = fresh()
    },
  }
}
