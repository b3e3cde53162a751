import { createTokenSource, Secret, type TokenSource } from '@oauth-connect/server'

export function tokenSource(clientSecret: string): TokenSource {
  return createTokenSource({
    auth: 'client_secret_basic',
    tokenEndpoint: 'https://auth.example.com/oauth2/token',
    clientId: 'backend',
    clientSecret,
  })
}

export const secretClass: typeof Secret = Secret

export function badAuth(): TokenSource {
  return createTokenSource({
    // @ts-expect-error auth is one of the documented client authentication methods
    auth: 'not-a-method',
    tokenEndpoint: 'https://auth.example.com/oauth2/token',
    clientId: 'backend',
    clientSecret: 'secret',
  })
}
