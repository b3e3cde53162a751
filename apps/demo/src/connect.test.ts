import type { ConnectionOutcome } from '@oauth-connect/core/connect'
import type { BwellClient } from '@oauth-connect/react/bwell'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { modeOptions, recordOutcome, redirectUrlFor } from './connect.ts'
import { connectionList, provisionalKey } from './connections.ts'

describe('modeOptions', () => {
  it('should race only the channels each mode names', () => {
    expect(modeOptions('hosted')).toEqual({ mode: 'popup', channels: ['message', 'closed'] })
    expect(modeOptions('poll')).toEqual({
      mode: 'popup',
      channels: ['poll', 'closed'],
      callbackUrl: '/connect/callback?via=poll',
    })
    expect(modeOptions('broadcast')).toEqual({
      mode: 'popup',
      channels: ['broadcast', 'closed'],
      callbackUrl: '/connect/callback?via=broadcast',
    })
    expect(modeOptions('redirect')).toEqual({ mode: 'redirect', callbackUrl: '/connect/callback' })
    expect(modeOptions('auto')).toEqual({ mode: 'auto', callbackUrl: '/connect/callback' })
  })
})

function fakeBwell() {
  const createConnection = vi.fn(async (providerId: string) => ({
    id: `conn_${providerId}`,
    providerId,
    status: 'NEW',
  }))
  const getOauthUrl = vi.fn(async () => 'http://127.0.0.1:4001/oauth/authorize?x=1')
  return { createConnection, getOauthUrl } as unknown as BwellClient & {
    createConnection: typeof createConnection
    getOauthUrl: typeof getOauthUrl
  }
}

describe('redirectUrlFor', () => {
  beforeEach(() => sessionStorage.clear())

  it('should create the connection once, then reuse its id', async () => {
    const bwell = fakeBwell()
    const provider = { id: `p-${crypto.randomUUID()}`, name: 'Summit' }
    const get = redirectUrlFor(bwell, provider)
    const request = {
      connectionId: provisionalKey(provider.id),
      attemptId: 'a',
      redirectUri: 'http://localhost:5173/connect/callback?attempt=a',
      signal: new AbortController().signal,
    }
    await get(request)
    await get(request)
    expect(bwell.createConnection).toHaveBeenCalledTimes(1)
    expect(bwell.getOauthUrl).toHaveBeenLastCalledWith(`conn_${provider.id}`, {
      signal: request.signal,
      redirectUri: request.redirectUri,
    })
    expect(connectionList().find(provider.id)?.connectionId).toBe(`conn_${provider.id}`)
  })

  it('should record an outcome under its provisional key', async () => {
    const provider = { id: `p-${crypto.randomUUID()}`, name: 'Greenleaf' }
    connectionList().ensure(provider.id, provider.name)
    recordOutcome({
      status: 'blocked',
      channel: 'blocked',
      attemptId: 'a',
      connectionId: provisionalKey(provider.id),
      elapsedMs: 1,
    } satisfies ConnectionOutcome)
    expect(connectionList().find(provider.id)?.lastOutcome).toEqual({
      status: 'blocked',
      channel: 'blocked',
    })
  })
})
