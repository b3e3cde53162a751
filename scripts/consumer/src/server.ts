import { createTokenSource, Secret, type TokenSource } from '@oauth-connect/server'
import { createRedisTokenStore, type RedisClientLike } from '@oauth-connect/server/redis'

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

// The Redis store takes any client of node-redis' shape; the consumer needs no `redis` install.
export function fleetSource(client: RedisClientLike, encryptionKey: string): TokenSource {
  return createTokenSource({
    auth: 'client_secret_post',
    tokenEndpoint: 'https://auth.example.com/oauth2/token',
    clientId: 'backend',
    clientSecret: 'secret',
    store: createRedisTokenStore({ client, encryptionKey }),
  })
}
