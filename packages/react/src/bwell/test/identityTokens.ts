import type { MockForTests } from '@oauth-connect/mock-backend/testing'

/**
 * One identity token per user, kept as a signed-in app keeps it: the b.well client takes a new
 * token for another user and starts a new session.
 */
export function identityTokens(mock: Pick<MockForTests, 'identityTokenFor'>) {
  const tokens = new Map<string, Promise<string>>()
  return (username: string): Promise<string> => {
    let token = tokens.get(username)
    if (!token) {
      token = mock.identityTokenFor(username)
      tokens.set(username, token)
    }
    return token
  }
}
