import { type ConnectEnv, setConnectEnv } from '@oauth-connect/core/connect'

/** What a {@link trackConnectEnv} environment has alive right now. */
export interface LiveCounts {
  listeners: number
  intervals: number
  timeouts: number
  channels: number
}

/**
 * Test and benchmark helper, not part of the entry point: installs a {@link ConnectEnv} that
 * counts live listeners, intervals, timeouts and channels, so leaks over many attempts show up.
 * `open`, `assign` and `close` are replaced by the given functions (default: no popup, no-ops),
 * so nothing navigates the test window; a given `channel` is counted like the real one (pass
 * {@link memoryChannel} for channels that deliver under fake timers, `() => undefined` for none).
 *
 * @returns the live counts, the URLs passed to `assign`, the number of `close` calls, and
 *   `restore`, which also cancels the timers still pending
 */
export function trackConnectEnv(
  overrides: Partial<Pick<ConnectEnv, 'open' | 'assign' | 'close' | 'channel'>> = {},
): {
  readonly live: LiveCounts
  readonly assigned: string[]
  readonly closes: { count: number }
  restore(): void
} {
  const live: LiveCounts = { listeners: 0, intervals: 0, timeouts: 0, channels: 0 }
  const assigned: string[] = []
  const closes = { count: 0 }
  const timeouts = new Set<unknown>()
  const intervals = new Set<unknown>()
  const restore = setConnectEnv({
    setTimeout(callback, ms) {
      const id: unknown = setTimeout(() => {
        if (timeouts.delete(id)) live.timeouts--
        callback()
      }, ms)
      timeouts.add(id)
      live.timeouts++
      return id
    },
    clearTimeout(id) {
      if (timeouts.delete(id)) live.timeouts--
      clearTimeout(id as ReturnType<typeof setTimeout>)
    },
    setInterval(callback, ms) {
      const id: unknown = setInterval(callback, ms)
      intervals.add(id)
      live.intervals++
      return id
    },
    clearInterval(id) {
      if (intervals.delete(id)) live.intervals--
      clearInterval(id as ReturnType<typeof setInterval>)
    },
    listen(target, type, listener) {
      target.addEventListener(type, listener)
      live.listeners++
      let removed = false
      return () => {
        if (removed) return
        removed = true
        live.listeners--
        target.removeEventListener(type, listener)
      }
    },
    channel(name) {
      const channel = overrides.channel ? overrides.channel(name) : new BroadcastChannel(name)
      if (!channel) return undefined
      live.channels++
      const close = channel.close.bind(channel)
      let closed = false
      channel.close = () => {
        if (!closed) live.channels--
        closed = true
        close()
      }
      return channel
    },
    open: () => null,
    assign: (url) => {
      assigned.push(url)
    },
    close: () => {
      closes.count++
    },
    ...(overrides.open && { open: overrides.open }),
    ...(overrides.assign && { assign: overrides.assign }),
    ...(overrides.close && { close: overrides.close }),
  })
  return {
    live,
    assigned,
    closes,
    // A timer still pending at restore would fire into the real environment, possibly after the
    // test's DOM is gone: cancel them. Leak assertions read `live` before this.
    restore() {
      for (const id of timeouts) clearTimeout(id as ReturnType<typeof setTimeout>)
      for (const id of intervals) clearInterval(id as ReturnType<typeof setInterval>)
      restore()
    },
  }
}

/** A stand-in for a popup window: records navigations and can turn cross-origin. */
export interface FakePopup {
  /** Pass it where a `Window` is expected (e.g. `MessageEvent` `source`). */
  readonly window: Window
  /** Every URL assigned to `location.href`. */
  readonly navigations: string[]
  /** `document.body.textContent` of the blank page. */
  readonly text: () => string
  /** Makes `location.href` readable at this URL (same origin), or throw `SecurityError` (`undefined`). */
  land(url: string | undefined): void
  /** Makes `closed` read `true` without a `close()` call (a user close, or COOP). */
  markClosed(): void
  closeCalls: number
  focusCalls: number
}

/**
 * Test helper: a fake popup window. Reading `location.href` throws `SecurityError` after a
 * navigation, as a cross-origin window does, until {@link FakePopup.land} is called.
 */
export function fakePopup(): FakePopup {
  let href: string | undefined = 'about:blank'
  let closed = false
  const body = { textContent: '' }
  const fake: FakePopup = {
    navigations: [],
    closeCalls: 0,
    focusCalls: 0,
    text: () => body.textContent,
    land(url) {
      href = url
    },
    markClosed() {
      closed = true
    },
    window: undefined as unknown as Window,
  }
  const location = {
    get href(): string {
      if (href === undefined)
        throw new DOMException('Blocked a cross-origin frame', 'SecurityError')
      return href
    },
    set href(value: string) {
      fake.navigations.push(value)
      href = undefined
    },
  }
  const popupWindow = {
    location,
    document: { title: '', body },
    get closed() {
      return closed
    },
    close() {
      fake.closeCalls++
      closed = true
    },
    focus() {
      fake.focusCalls++
    },
  }
  Object.defineProperty(fake, 'window', { value: popupWindow as unknown as Window })
  return fake
}

/** What {@link fakeWindows} opens: every window with its name and the storage it was given. */
export interface FakeWindows {
  /** Pass it as `open` to {@link trackConnectEnv}. */
  readonly open: (url: string, target: string, features: string) => Window | null
  /** Every window opened, in order (a reused name adds none). */
  readonly popups: FakePopup[]
  /** Each window's name, as `window.open` got it. */
  readonly names: string[]
  /** The opener's `sessionStorage` binding at each `window.open`: the popup's cloned copy. */
  readonly storage: (string | null)[]
  /** Makes the next opens return `null`, as a popup blocker does. */
  block(blocked?: boolean): void
}

/**
 * Test helper: `window.open` as a browser does it. A name that an open window already has returns
 * that window (navigating or closing it is then another attempt's business); `_blank` and new
 * names open new ones. Each new window keeps a copy of the opener's `sessionStorage` binding
 * (`oauth-connect:attempt`), taken at the call.
 */
export function fakeWindows(): FakeWindows {
  const byName = new Map<string, FakePopup>()
  let blocked = false
  const windows: FakeWindows = {
    popups: [],
    names: [],
    storage: [],
    block(value = true) {
      blocked = value
    },
    open(_url, target) {
      if (blocked) return null
      const existing = target === '_blank' ? undefined : byName.get(target)
      if (existing && !existing.window.closed) return existing.window
      const popup = fakePopup()
      windows.popups.push(popup)
      windows.names.push(target)
      windows.storage.push(sessionStorage.getItem('oauth-connect:attempt'))
      byName.set(target, popup)
      return popup.window
    },
  }
  return windows
}

const memoryChannels = new Set<MemoryChannel>()

class MemoryChannel extends EventTarget {
  readonly name: string
  #closed = false
  constructor(name: string) {
    super()
    this.name = name
    memoryChannels.add(this)
  }
  postMessage(data: unknown): void {
    if (this.#closed) throw new DOMException('the channel is closed', 'InvalidStateError')
    // Structured clone and a later turn, as BroadcastChannel does; every other open instance hears it.
    const copy = structuredClone(data)
    for (const other of memoryChannels) {
      if (other !== this && other.name === this.name) {
        void Promise.resolve().then(() => {
          if (!other.#closed) other.dispatchEvent(new MessageEvent('message', { data: copy }))
        })
      }
    }
  }
  close(): void {
    this.#closed = true
    memoryChannels.delete(this)
  }
}

/**
 * Test helper: a `BroadcastChannel` within this JavaScript realm that delivers in a microtask, so
 * tests on fake timers see the message without waiting for the real one's event loop turn. Use it
 * on both sides: as `channel` of {@link trackConnectEnv} and for the test's own sender or listener.
 */
export function memoryChannel(name: string): BroadcastChannel {
  return new MemoryChannel(name) as unknown as BroadcastChannel
}
