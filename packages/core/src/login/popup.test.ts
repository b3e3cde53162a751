import {
  type AuthServer,
  type FakePopup,
  fakePopup,
  startAuthServer,
  trackConnectEnv,
} from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { createLoginClient } from './createLoginClient.ts'
import { LoginError } from './errors.ts'
import type { LoginClient } from './loginClient.ts'
import { POPUP_CLOSED_GRACE_MS, popupLogin } from './popup.ts'
import { fixedEndpoints } from './server.ts'

let server: AuthServer
let popup: FakePopup
let env: ReturnType<typeof trackConnectEnv>
let client: LoginClient
let opened: number

beforeEach(async () => {
  sessionStorage.clear()
  history.replaceState(null, '', '/records')
  server = await startAuthServer()
  popup = fakePopup()
  opened = 0
  env = trackConnectEnv({
    open: () => {
      opened++
      return popup.window
    },
  })
  client = makeClient()
})

afterEach(async () => {
  vi.useRealTimers()
  client.close()
  env.restore()
  await server.close()
})

function makeClient(withPopup = true): LoginClient {
  // Fixed endpoints: no discovery request, so fake timers never wait on the network.
  return createLoginClient(
    fixedEndpoints({
      issuer: server.issuer,
      authorizationEndpoint: `${server.issuer}/oauth2/auth`,
      tokenEndpoint: `${server.issuer}/oauth2/token`,
    }),
    {
      clientId: server.clientId,
      redirectUri: `${location.origin}/callback`,
      scope: 'openid profile',
      allowInsecureLoopback: true,
      ...(withPopup ? { popup: popupLogin } : {}),
    },
  )
}

/** Waits for the popup to be sent to the authorization endpoint and approves there. */
async function approveInPopup(): Promise<URL> {
  await vi.waitFor(() => expect(popup.navigations).toHaveLength(1))
  return server.approve(new URL(popup.navigations[0] ?? ''))
}

function envelope(url: URL) {
  return { type: 'oauth-connect:login', version: 1, url: url.href }
}

function postFromPopup(data: unknown, init: { origin?: string; source?: Window } = {}) {
  window.dispatchEvent(
    new MessageEvent('message', {
      data,
      origin: init.origin ?? location.origin,
      source: init.source ?? popup.window,
    }),
  )
}

const live = () => ({ ...env.live })
const nothingLive = { listeners: 0, intervals: 0, timeouts: 0, channels: 0 }

describe('popup sign-in', () => {
  it('[SEC-16] opens the popup before the first await', async () => {
    const done = client.login({ mode: 'popup' })
    expect(opened).toBe(1)
    expect(popup.text()).toBe('Signing in…')
    postFromPopup(envelope(await approveInPopup()))
    await done
  })

  it('should sign in when the callback page posts the callback URL', async () => {
    const done = client.login({ mode: 'popup' })
    const callback = await approveInPopup()
    const authorizationUrl = new URL(popup.navigations[0] ?? '')
    expect(authorizationUrl.searchParams.get('state')).toMatch(/^p\./)
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256')
    postFromPopup(envelope(callback))
    await done
    expect(client.getSnapshot()).toMatchObject({ status: 'signed-in', claims: { sub: 'amy.shaw' } })
    expect(server.log()).toEqual(['POST /oauth2/token'])
    expect(popup.closeCalls).toBe(1)
    expect(live()).toEqual(nothingLive)
    // The popup transaction never touches storage.
    expect(sessionStorage.length).toBe(0)
  })

  it('[SEC-17] signs in over the BroadcastChannel when the opener is cut (COOP)', async () => {
    const done = client.login({ mode: 'popup' })
    const callback = await approveInPopup()
    const sender = new BroadcastChannel(`oauth-connect:login:${callback.searchParams.get('state')}`)
    sender.postMessage(envelope(callback))
    sender.close()
    await done
    expect(client.getSnapshot().status).toBe('signed-in')
    expect(server.log()).toEqual(['POST /oauth2/token'])
  })

  it('[SEC-1] [SEC-2] ignores look-alike origins, other windows, other attempts and junk', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    const done = client.login({ mode: 'popup', timeoutMs: 60_000 })
    const outcome = done.catch((error: unknown) => error)
    const callback = await approveInPopup()
    const other = callback.searchParams.get('state') ?? ''
    postFromPopup(envelope(callback), { origin: `${location.origin}.evil.example` })
    postFromPopup(envelope(callback), { origin: 'null' })
    postFromPopup(envelope(callback), { origin: location.origin.replace('http:', 'https:') })
    postFromPopup(envelope(callback), { source: window })
    postFromPopup(envelope(new URL(callback.href.replace(other, 'p.someone-else'))))
    postFromPopup(envelope(new URL(callback.href.replace('/callback', '/elsewhere'))))
    postFromPopup({ ...envelope(callback), version: 2 })
    postFromPopup('status-success')
    await vi.advanceTimersByTimeAsync(60_000)
    const error = await outcome
    expect(error).toBeInstanceOf(LoginError)
    expect((error as LoginError).code).toBe('timeout')
    expect(server.log()).toEqual([])
  })

  it('[SEC-15] times out at timeoutMs, closes the popup and leaves nothing behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    let settled: unknown
    client.login({ mode: 'popup', timeoutMs: 10_000 }).catch((error: unknown) => {
      settled = error
    })
    await vi.advanceTimersByTimeAsync(9_999)
    expect(settled).toBeUndefined()
    expect(popup.closeCalls).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(settled).toMatchObject({ name: 'LoginError', code: 'timeout' })
    // The race reports first and tears down in the next task (1 ms under fake timers).
    expect(popup.closeCalls).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(popup.closeCalls).toBe(1)
    expect(live()).toEqual(nothingLive)
    // A late valid message changes nothing.
    postFromPopup(envelope(await approveInPopup()))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(server.log()).toEqual([])
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error: settled })
  })

  it('[SEC-17] reports popup_closed after the grace period when the user closes it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    let settled: unknown
    client.login({ mode: 'popup' }).catch((error: unknown) => {
      settled = error
    })
    popup.markClosed()
    await vi.advanceTimersByTimeAsync(500 + POPUP_CLOSED_GRACE_MS - 1)
    expect(settled).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(settled).toMatchObject({ code: 'popup_closed' })
    await vi.advanceTimersByTimeAsync(1)
    expect(live()).toEqual(nothingLive)
  })

  it('[SEC-18] aborts through the signal and closes the popup', async () => {
    const controller = new AbortController()
    const done = client.login({ mode: 'popup', signal: controller.signal })
    controller.abort()
    await expect(done).rejects.toMatchObject({ code: 'aborted' })
    await vi.waitFor(() => expect(popup.closeCalls).toBe(1))
    expect(live()).toEqual(nothingLive)
  })

  it('[SEC-16] reports popup_blocked when window.open returns null, with nothing left', async () => {
    env.restore()
    env = trackConnectEnv({ open: () => null })
    await expect(client.login({ mode: 'popup' })).rejects.toMatchObject({ code: 'popup_blocked' })
    expect(live()).toEqual(nothingLive)
    expect(server.log()).toEqual([])
  })

  it('should require the popup option for popup mode', async () => {
    const plain = makeClient(false)
    await expect(plain.login({ mode: 'popup' })).rejects.toBeInstanceOf(InvalidArgumentError)
    expect(opened).toBe(0)
    plain.close()
  })
})

describe('callback page in the popup', () => {
  it('[SEC-3] forwards the callback to the opener at its own origin and closes', async () => {
    const done = client.login({ mode: 'popup' })
    const callback = await approveInPopup()
    // The popup's own page: a second client, whose window has the opener.
    const opener = { postMessage: vi.fn() }
    vi.stubGlobal('opener', opener)
    const heard: unknown[] = []
    const listener = new BroadcastChannel(
      `oauth-connect:login:${callback.searchParams.get('state')}`,
    )
    listener.onmessage = (event: MessageEvent) => heard.push(event.data)
    history.replaceState(null, '', callback)
    const pageClient = makeClient()
    await expect(pageClient.handleCallback()).resolves.toEqual({
      returnTo: '/callback',
      popup: true,
    })
    expect(location.search).toBe('')
    expect(opener.postMessage).toHaveBeenCalledExactlyOnceWith(envelope(callback), location.origin)
    // The hand-off closes the page shortly after, so its messages leave first.
    await vi.waitFor(() => expect(env.closes.count).toBe(1))
    await vi.waitFor(() => expect(heard).toEqual([envelope(callback)]))
    listener.close()
    pageClient.close()
    // The page exchanged nothing; the opener (which heard the broadcast) did, once.
    await done
    expect(server.log()).toEqual(['POST /oauth2/token'])
  })
})
