import { afterEach, describe, expect, it, vi } from 'vitest'
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
    const channel = tabSync(NAME, receive)
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

  it('should post to the other tabs through the channel it returns', async () => {
    const other = otherTab()
    const got = new Promise<unknown>((resolve) => {
      other.onmessage = ({ data }: MessageEvent<unknown>) => resolve(data)
    })
    const channel = tabSync(NAME, () => {})
    if (channel) opened.push(channel)
    channel?.postMessage({ type: 'signed-out' })
    expect(await got).toEqual({ type: 'signed-out' })
  })

  it('should receive nothing once the channel is closed', async () => {
    const closed = receiver(1)
    const channel = tabSync(NAME, closed.receive)
    channel?.close()
    const open = receiver(1)
    const witness = tabSync(NAME, open.receive)
    if (witness) opened.push(witness)
    otherTab().postMessage({ type: 'signed-out' })
    expect(await open.received).toEqual([{ type: 'signed-out' }])
    expect(closed.messages).toEqual([])
  })

  it('should do nothing where there is no BroadcastChannel', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    expect(tabSync(NAME, () => {})).toBeUndefined()
  })
})
