import type { ConnectionEvent } from '@oauth-connect/core/connect'
import { type FakePopup, fakeWindows, memoryChannel, trackConnectEnv } from '@oauth-connect/testing'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import axe from 'axe-core'
import { type ReactNode, StrictMode } from 'react'
import { expect, vi } from 'vitest'
import {
  ConnectProviderButton,
  type ConnectProviderButtonProps,
} from '../ConnectProviderButton.tsx'

export const APP = location.origin
export const BWELL = 'http://127.0.0.1:4000'
export const PROVIDER_URL = 'http://127.0.0.1:4001/consent?flow=1'

/** Lets TanStack Query's batched notifications and the flow's promises run. */
export const flush = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))

/** Renders under StrictMode and a fresh QueryClient. */
export function renderStrict(ui: ReactNode) {
  const client = new QueryClient()
  const wrap = (node: ReactNode) => (
    <StrictMode>
      <QueryClientProvider client={client}>{node}</QueryClientProvider>
    </StrictMode>
  )
  const result = render(wrap(ui))
  return { ...result, rerender: (node: ReactNode) => result.rerender(wrap(node)) }
}

/** Asserts that axe-core finds no violation in the container. */
export async function expectAccessible(container: Element) {
  // axe waits on timers: the clock must advance with real time (`shouldAdvanceTime`).
  const results = await axe.run(container)
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html)}`)).toEqual([])
}

/**
 * The real hook and core over a stubbed `window.open` that returns a fake popup; the core's
 * environment counts live listeners and timers and records `location.assign`.
 */
export function connectWorld() {
  // window.open as a browser does it: one window per name, a new one for a new name.
  const windows = fakeWindows()
  const open = vi
    .spyOn(window, 'open')
    .mockImplementation((url, target, features) =>
      windows.open(String(url ?? ''), target ?? '_blank', features ?? ''),
    )
  const env = trackConnectEnv({
    open: (url, target, features) => window.open(url, target, features),
    channel: memoryChannel,
  })
  const events: ConnectionEvent[] = []
  const callbacks = {
    onSuccess: vi.fn(),
    onError: vi.fn(),
    onSettled: vi.fn(),
    onEvent: (event: ConnectionEvent) => events.push(event),
  }
  const getRedirectUrl = vi.fn(async () => PROVIDER_URL)
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
  return {
    open,
    env,
    events,
    callbacks,
    getRedirectUrl,
    user,
    windows,
    /** The last window opened. */
    popup: (): FakePopup => windows.popups.at(-1) ?? (undefined as never),
    blockPopups: () => windows.block(),
    attemptId: () => events.at(-1)?.attemptId ?? '',
    /** Renders the button with the world's callbacks, under StrictMode. */
    renderButton(props: Partial<ConnectProviderButtonProps> = {}) {
      return renderStrict(
        <ConnectProviderButton
          connectionId="conn-1"
          providerName="Epic"
          allowedOrigins={[BWELL]}
          getRedirectUrl={getRedirectUrl}
          {...callbacks}
          {...props}
        />,
      )
    },
    /** A message from the popup, as a real `MessageEvent` on `window`. */
    post(data: unknown, origin = BWELL, from: FakePopup | undefined = windows.popups.at(-1)) {
      if (!from) throw new Error('no popup is open')
      act(() => {
        window.dispatchEvent(new MessageEvent('message', { data, origin, source: from.window }))
      })
    },
    /** The toolkit's envelope from the app's own callback page. */
    postStatus(statusCode: string) {
      this.post(
        { type: 'oauth-connect', version: 1, attemptId: events.at(-1)?.attemptId, statusCode },
        APP,
      )
    },
  }
}
