// Init script for the leak benchmark: wraps addEventListener/removeEventListener, the timer
// functions and BroadcastChannel so that, between start() and snapshot(), everything registered
// and not yet released is counted. Things registered before start() are never counted, so the
// harness's own setup does not show up as a leak.

/** What is alive, among the things registered since start(). */
export interface LeakSnapshot {
  readonly listeners: number
  /** Live listeners by target (`Window`, `AbortSignal`, `BroadcastChannel`, …) and event type. */
  readonly listenersByTarget: Record<string, number>
  readonly timeouts: number
  readonly intervals: number
  readonly broadcastChannels: number
  /** Totals registered since start(), to show the instrument saw the work. */
  readonly registered: {
    readonly listeners: number
    readonly timeouts: number
    readonly intervals: number
    readonly broadcastChannels: number
  }
}

export interface LeakInstrument {
  start(): void
  snapshot(): LeakSnapshot
}

declare global {
  interface Window {
    __leaks?: LeakInstrument
  }
}

type Listener = EventListenerOrEventListenerObject

interface ListenerRecord {
  readonly target: EventTarget
  readonly type: string
  readonly listener: Listener
  readonly capture: boolean
  /** What was actually registered: the listener, or a wrapper for `once`. */
  readonly registered: Listener
}

function install(): void {
  if (window.__leaks !== undefined) return
  let recording = false
  const listeners = new Set<ListenerRecord>()
  const timeouts = new Set<number>()
  const intervals = new Set<number>()
  const channels = new Set<BroadcastChannel>()
  const registered = { listeners: 0, timeouts: 0, intervals: 0, broadcastChannels: 0 }

  const proto = EventTarget.prototype
  const rawAdd = proto.addEventListener
  const rawRemove = proto.removeEventListener

  const captureOf = (options: boolean | EventListenerOptions | undefined): boolean =>
    typeof options === 'boolean' ? options : options?.capture === true

  const find = (target: EventTarget, type: string, listener: Listener, capture: boolean) => {
    for (const r of listeners) {
      if (
        r.target === target &&
        r.type === type &&
        r.listener === listener &&
        r.capture === capture
      )
        return r
    }
    return undefined
  }

  proto.addEventListener = function (
    this: EventTarget,
    type: string,
    listener: Listener | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (!recording || listener === null) {
      rawAdd.call(this, type, listener, options)
      return
    }
    const capture = captureOf(options)
    // The platform ignores a duplicate registration; so does the count.
    if (find(this, type, listener, capture) !== undefined) return
    const once = typeof options === 'object' && options.once === true
    const signal = typeof options === 'object' ? options.signal : undefined
    if (signal?.aborted) return
    let record: ListenerRecord
    const registeredListener: Listener = once
      ? function (this: unknown, event: Event) {
          listeners.delete(record)
          if (typeof listener === 'function') listener.call(this, event)
          else listener.handleEvent(event)
        }
      : listener
    record = { target: this, type, listener, capture, registered: registeredListener }
    listeners.add(record)
    registered.listeners += 1
    if (signal !== undefined) {
      rawAdd.call(signal, 'abort', () => listeners.delete(record), { once: true })
    }
    rawAdd.call(this, type, registeredListener, options)
  }

  proto.removeEventListener = function (
    this: EventTarget,
    type: string,
    listener: Listener | null,
    options?: boolean | EventListenerOptions,
  ): void {
    if (listener === null) return
    const record = find(this, type, listener, captureOf(options))
    if (record === undefined) {
      rawRemove.call(this, type, listener, options)
      return
    }
    listeners.delete(record)
    rawRemove.call(this, type, record.registered, options)
  }

  const rawSetTimeout = window.setTimeout.bind(window)
  const rawClearTimeout = window.clearTimeout.bind(window)
  const rawSetInterval = window.setInterval.bind(window)
  const rawClearInterval = window.clearInterval.bind(window)

  const release = (id: number | undefined) => {
    if (id === undefined) return
    // clearTimeout and clearInterval share one id space and clear either kind.
    timeouts.delete(id)
    intervals.delete(id)
  }

  window.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]): number => {
    if (!recording || typeof handler !== 'function') return rawSetTimeout(handler, ms, ...args)
    const id = rawSetTimeout(
      (...a: unknown[]) => {
        timeouts.delete(id)
        handler(...a)
      },
      ms,
      ...args,
    )
    timeouts.add(id)
    registered.timeouts += 1
    return id
  }) as typeof window.setTimeout
  window.clearTimeout = ((id?: number) => {
    release(id)
    rawClearTimeout(id)
  }) as typeof window.clearTimeout
  window.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]): number => {
    const id = rawSetInterval(handler, ms, ...args)
    if (recording) {
      intervals.add(id)
      registered.intervals += 1
    }
    return id
  }) as typeof window.setInterval
  window.clearInterval = ((id?: number) => {
    release(id)
    rawClearInterval(id)
  }) as typeof window.clearInterval

  const RawBroadcastChannel = window.BroadcastChannel
  class CountedBroadcastChannel extends RawBroadcastChannel {
    constructor(name: string) {
      super(name)
      if (recording) {
        channels.add(this)
        registered.broadcastChannels += 1
      }
    }
    override close(): void {
      channels.delete(this)
      super.close()
    }
  }
  window.BroadcastChannel = CountedBroadcastChannel

  const targetName = (target: EventTarget): string => {
    if (target === window) return 'Window'
    if (target === document) return 'Document'
    return target.constructor?.name ?? 'EventTarget'
  }

  window.__leaks = {
    start() {
      listeners.clear()
      timeouts.clear()
      intervals.clear()
      channels.clear()
      registered.listeners = 0
      registered.timeouts = 0
      registered.intervals = 0
      registered.broadcastChannels = 0
      recording = true
    },
    snapshot() {
      const listenersByTarget: Record<string, number> = {}
      for (const r of listeners) {
        const key = `${targetName(r.target)} ${r.type}`
        listenersByTarget[key] = (listenersByTarget[key] ?? 0) + 1
      }
      return {
        listeners: listeners.size,
        listenersByTarget,
        timeouts: timeouts.size,
        intervals: intervals.size,
        broadcastChannels: channels.size,
        registered: { ...registered },
      }
    },
  }
}

install()
