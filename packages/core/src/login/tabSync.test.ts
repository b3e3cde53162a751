import { afterEach, describe, expect, it, vi } from 'vitest'
import { type RemoteRefresh, sessionStore } from './sessionStore.ts'
import { tabSync } from './tabSync.ts'

const NAME = 'oauth-connect:login:tab-sync-test'
const opened: BroadcastChannel[] = []

/** Another tab's end of the channel. */
function otherTab(): BroadcastChannel {
  const channel = new BroadcastChannel(NAME)
  opened.push(channel)
  return channel
}

/** Resolves with the next `count` messages `receive` gets. */
function receiver(count: number) {
  const messages: unknown[] = []
  let done = () => {}
  const received = new Promise<unknown[]>((resolve) => {
    done = () => resolve(messages)
  })
  const receive = (message: unknown) => {
    messages.push(message)
    if (messages.length === count) done()
  }
  return { receive, received, messages }
}

afterEach(() => {
  for (const channel of opened.splice(0)) channel.close()
  vi.unstubAllGlobals()
})

describe('tabSync', () => {
  it("should hand another tab's objects to receive and drop everything else", async () => {
    const { receive, received } = receiver(2)
    const channel = tabSync(NAME, undefined, receive)
    if (channel) opened.push(channel)
    const other = otherTab()
    other.postMessage('signed-out')
    other.postMessage(null)
    other.postMessage({ type: 'signed-out' })
    other.postMessage(42)
    other.postMessage({ type: 'session', session: { accessToken: 'at' } })
    expect(await received).toEqual([
      { type: 'signed-out' },
      { type: 'session', session: { accessToken: 'at' } },
    ])
  })

  it('should make callers wait while another tab refreshes, until it says anything else', async () => {
    const real = sessionStore.remote()
    let started = () => {}
    const refreshing = new Promise<void>((resolve) => {
      started = resolve
    })
    const remote: RemoteRefresh = {
      ...real,
      start() {
        real.start()
        started()
      },
    }
    const { receive, received, messages } = receiver(1)
    const channel = tabSync(NAME, remote, receive)
    if (channel) opened.push(channel)
    const other = otherTab()
    other.postMessage({ type: 'refreshing' })
    await refreshing
    expect(real.wait()).toBeInstanceOf(Promise)
    expect(messages).toEqual([])
    other.postMessage({ type: 'idle' })
    expect(await received).toEqual([{ type: 'idle' }])
    expect(real.wait()).toBeUndefined()
  })

  it('should post to the other tabs through the channel it returns', async () => {
    const other = otherTab()
    const got = new Promise<unknown>((resolve) => {
      other.onmessage = ({ data }: MessageEvent<unknown>) => resolve(data)
    })
    const channel = tabSync(NAME, undefined, () => {})
    if (channel) opened.push(channel)
    channel?.postMessage({ type: 'signed-out' })
    expect(await got).toEqual({ type: 'signed-out' })
  })

  it('should receive nothing once the channel is closed', async () => {
    const closed = receiver(1)
    const channel = tabSync(NAME, undefined, closed.receive)
    channel?.close()
    const open = receiver(1)
    const witness = tabSync(NAME, undefined, open.receive)
    if (witness) opened.push(witness)
    otherTab().postMessage({ type: 'signed-out' })
    expect(await open.received).toEqual([{ type: 'signed-out' }])
    expect(closed.messages).toEqual([])
  })

  it('should do nothing where there is no BroadcastChannel', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    expect(tabSync(NAME, undefined, () => {})).toBeUndefined()
  })
})
