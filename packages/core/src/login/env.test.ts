import { type AuthServer, createTestClient, startAuthServer } from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as env from './env.ts'
import { LoginError } from './errors.ts'
import type { LoginClient } from './loginClient.ts'
import { sessionStore } from './sessionStore.ts'
import { TRANSACTION_TTL_MS } from './transaction.ts'

/** An environment that counts what the login client keeps alive through it. */
function countingEnv() {
  const timers = new Set<() => void>()
  const channels = new Set<BroadcastChannel>()
  const locks: string[] = []
  let created = 0
  const restore = env.setLoginEnv({
    timeout(callback, ms) {
      created++
      const id = setTimeout(() => {
        timers.delete(cancel)
        callback()
      }, ms)
      const cancel = () => {
        timers.delete(cancel)
        clearTimeout(id)
      }
      timers.add(cancel)
      return cancel
    },
    channel(name) {
      const channel = new BroadcastChannel(name)
      const close = channel.close.bind(channel)
      channel.close = () => {
        channels.delete(channel)
        close()
      }
      channels.add(channel)
      return channel
    },
    now: () => Date.now() + clock,
    lock(name, task) {
      locks.push(name)
      return task()
    },
  })
  return {
    restore,
    alive: () => ({ timers: timers.size, channels: channels.size }),
    created: () => created,
    locks,
  }
}

let server: AuthServer
let navigations: URL[]
let restore = () => {}
const clients: LoginClient[] = []

beforeEach(async () => {
  sessionStorage.clear()
  history.replaceState(null, '', '/records')
  navigations = []
  server = await startAuthServer()
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  restore()
  restore = () => {}
  await server.close()
})

/** The environment's clock, which the counting environment moves. */
let clock = 0

async function cycle(client: LoginClient) {
  await client.login({ returnTo: '/records' })
  const authorizationUrl = navigations.at(-1)
  if (!authorizationUrl) throw new Error('login did not navigate')
  await client.handleCallback(server.approve(authorizationUrl))
  const first = await client.getAccessToken()
  // An hour later by the environment's clock, the access token is due: the client refreshes.
  clock += 3_600_000
  const second = await client.getAccessToken()
  expect(second).not.toBe(first)
  await client.logout()
  expect(client.getSnapshot().status).toBe('signed-out')
}

describe('login environment', () => {
  it('replaces members and restores them', () => {
    const before = env.loginEnv()
    const undo = env.setLoginEnv({ now: () => 42 })
    expect(env.now()).toBe(42)
    expect(env.loginEnv().storage).toBe(before.storage)
    undo()
    expect(env.loginEnv()).toEqual(before)
  })

  it.each([
    ['memory', 'memory' as const],
    ['sessionStore', sessionStore],
  ])(
    'leaves no timer or channel alive after sign-in, refresh, sign-out and close (%s)',
    async (_, storage) => {
      const counting = countingEnv()
      restore = counting.restore
      const client = createTestClient(server, navigations, { storage })
      for (let i = 0; i < 3; i++) await cycle(client)
      // Discovery once, then each cycle's code exchange, refresh and revocation ran under an
      // env timer, each one cancelled when its request ended.
      expect(counting.created()).toBe(1 + 3 * 3)
      expect(counting.alive()).toEqual({ timers: 0, channels: 1 })
      expect(counting.locks).toEqual(
        storage === 'memory' ? [] : Array(3).fill(`oauth-connect:login:${server.clientId}:refresh`),
      )
      client.close()
      expect(counting.alive()).toEqual({ timers: 0, channels: 0 })
    },
  )

  it("reads the clock from the environment: an attempt older than the TTL by the env's clock is gone", async () => {
    let now = 1_000_000
    restore = env.setLoginEnv({ now: () => now })
    const client = createTestClient(server, navigations)
    clients.push(client)
    await client.login({ returnTo: '/records' })
    const authorizationUrl = navigations.at(-1)
    if (!authorizationUrl) throw new Error('login did not navigate')
    now += TRANSACTION_TTL_MS
    const error = await client
      .handleCallback(server.approve(authorizationUrl))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LoginError)
    expect((error as LoginError).code).toBe('missing_transaction')
  })

  it('keeps sign-in attempts in the storage the environment gives', async () => {
    const store = new Map<string, string>()
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
      removeItem: (key: string) => void store.delete(key),
    } as Storage
    restore = env.setLoginEnv({ storage: () => storage })
    const client = createTestClient(server, navigations)
    clients.push(client)
    await client.login({ returnTo: '/records' })
    expect([...store.keys()]).toEqual([`oauth-connect:login:${server.clientId}:transaction`])
    expect(sessionStorage.length).toBe(0)
  })
})
