import { type AuthorizationServer, calculatePKCECodeChallenge } from 'oauth4webapi'
import * as env from './env.ts'
import type { LoginClientOptions, LoginOptions } from './loginClient.ts'
import { withParams } from './urls.ts'

/**
 * One sign-in attempt: what the callback needs to finish it. It never holds a token. Redirect
 * mode keeps it in sessionStorage so it survives the navigation; it is removed on first read.
 */
export interface Transaction {
  readonly state: string
  readonly verifier: string
  readonly nonce: string | undefined
  readonly returnTo: string
  readonly createdAt: number
}

/** Attempts older than this are treated as missing: nobody takes ten minutes to sign in and come back. */
export const TRANSACTION_TTL_MS = 600_000

function isTransaction(value: unknown): value is Transaction {
  // Optional chaining reads `null` and non-objects (a stored number, say) as no fields at all.
  const v = value as Partial<Record<keyof Transaction, unknown>> | null | undefined
  return (
    typeof v?.state === 'string' &&
    typeof v.verifier === 'string' &&
    (v.nonce === undefined || typeof v.nonce === 'string') &&
    typeof v.returnTo === 'string' &&
    typeof v.createdAt === 'number'
  )
}

/** Stores the attempt, replacing any earlier attempt of this client in this tab. */
export function saveTransaction(key: string, transaction: Transaction): void {
  env.storage().setItem(key, JSON.stringify(transaction))
}

function readTransaction(key: string): Transaction | undefined {
  try {
    const value: unknown = JSON.parse(env.storage().getItem(key) ?? 'null')
    return isTransaction(value) && env.now() - value.createdAt < TRANSACTION_TTL_MS
      ? value
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Reads and deletes the stored attempt in one step, so a second callback finds nothing.
 * Returns `undefined` when there is none, it is malformed, or it has expired.
 */
export function takeTransaction(key: string): Transaction | undefined {
  const transaction = readTransaction(key)
  env.storage().removeItem(key)
  return transaction
}

/** Deletes an abandoned attempt (the user never came back), so its verifier does not linger. */
export function dropExpiredTransaction(key: string): void {
  if (!readTransaction(key)) env.storage().removeItem(key)
}

/**
 * The authorization request that starts `transaction`: PKCE S256, its `state` and `nonce`, the
 * app's extra parameters (SMART's `aud`), which never replace the client's own.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export async function authorizationUrl(
  as: AuthorizationServer,
  options: LoginClientOptions,
  redirectUri: string,
  transaction: Transaction,
  login: LoginOptions,
): Promise<URL> {
  return withParams(as.authorization_endpoint ?? '', {
    ...options.authorizationParams,
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: redirectUri,
    scope: options.scope,
    state: transaction.state,
    code_challenge: await calculatePKCECodeChallenge(transaction.verifier),
    code_challenge_method: 'S256',
    nonce: transaction.nonce,
    prompt: login.prompt,
    login_hint: login.loginHint,
  })
}
