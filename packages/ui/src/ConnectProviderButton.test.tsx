import { act, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConnectProviderButton } from './ConnectProviderButton.tsx'
import { defaultConnectMessages } from './messages.ts'
import {
  APP,
  connectWorld,
  expectAccessible,
  flush,
  PROVIDER_URL,
  renderStrict,
} from './test/connectHarness.tsx'

let world: ReturnType<typeof connectWorld>

beforeEach(() => {
  // Testing Library's async wrapper waits on a real setTimeout(0), which Vitest's clock would
  // otherwise hold forever; every delay that matters is still advanced by hand.
  vi.useFakeTimers({ shouldAdvanceTime: true })
  world = connectWorld()
})

afterEach(() => {
  world.env.restore()
  vi.useRealTimers()
  sessionStorage.clear()
})

const main = () => screen.getAllByRole('button')[0] as HTMLElement
const status = () => screen.getByRole('status')
const alert = () => screen.getByRole('alert')

async function startAttempt(name: string | RegExp = 'Connect Epic') {
  await world.user.click(screen.getByRole('button', { name }))
  await flush()
}

describe('ConnectProviderButton', () => {
  it('should render an idle native button named "Connect {provider}" with empty live regions', async () => {
    const { container } = world.renderButton()
    const button = screen.getByRole('button', { name: 'Connect Epic' })
    expect(button.tagName).toBe('BUTTON')
    expect(button.getAttribute('type')).toBe('button')
    expect(button.getAttribute('data-state')).toBe('idle')
    expect(button.hasAttribute('aria-disabled')).toBe(false)
    expect(button.className).toBe('oc-button')
    expect(container.firstElementChild?.getAttribute('data-state')).toBe('idle')
    expect(status().textContent).toBe('')
    expect(status().getAttribute('aria-live')).toBe('polite')
    expect(alert().textContent).toBe('')
    expect(screen.getAllByRole('button')).toHaveLength(1)
    await expectAccessible(container)
  })

  it('should open the popup on press and show a focusable, aria-disabled pending button with a cancel control', async () => {
    const { container } = world.renderButton()
    await startAttempt()
    expect(world.open).toHaveBeenCalledTimes(1)
    expect(world.popup().navigations).toEqual([PROVIDER_URL])
    const button = main()
    expect(button.textContent).toBe('Connecting…')
    expect(button.getAttribute('aria-disabled')).toBe('true')
    expect(button.hasAttribute('disabled')).toBe(false)
    expect(button.getAttribute('data-state')).toBe('pending')
    expect(button.getAttribute('data-pending')).toBe('true')
    expect(button.getAttribute('data-disabled')).toBe('true')
    expect(document.activeElement).toBe(button)
    expect(status().textContent).toBe('Connecting to Epic…')
    expect(button.getAttribute('aria-describedby')).toBe(status().id)
    expect(screen.getByRole('button', { name: 'Cancel' }).className).toBe('oc-button oc-secondary')
    await expectAccessible(container)
  })

  it('should open one popup on a double click and ignore presses while pending', async () => {
    world.renderButton()
    await world.user.dblClick(screen.getByRole('button', { name: 'Connect Epic' }))
    await flush()
    expect(world.open).toHaveBeenCalledTimes(1)
    await world.user.click(main())
    await world.user.keyboard('{Enter}')
    await flush()
    expect(world.open).toHaveBeenCalledTimes(1)
    expect(world.getRedirectUrl).toHaveBeenCalledTimes(1)
    expect(world.popup().focusCalls).toBe(0)
  })

  it('should report success, label the button "Connected" and keep presses ignored', async () => {
    const { container } = world.renderButton()
    await startAttempt()
    world.post('status-success')
    await flush()
    const button = main()
    expect(button.textContent).toBe('Connected')
    expect(button.getAttribute('data-state')).toBe('success')
    expect(button.getAttribute('aria-disabled')).toBe('true')
    expect(status().textContent).toBe('Epic is connected.')
    expect(alert().textContent).toBe('')
    expect(world.callbacks.onSuccess).toHaveBeenCalledTimes(1)
    expect(world.callbacks.onSettled).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'success', connectionId: 'conn-1' }),
    )
    expect(world.callbacks.onError).not.toHaveBeenCalled()
    expect(world.popup().closeCalls).toBe(1)
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull()
    await world.user.click(button)
    await flush()
    expect(world.open).toHaveBeenCalledTimes(1)
    await expectAccessible(container)
  })

  const alerts = [
    ['error', () => world.post('status-failure')],
    ['expired', () => world.postStatus('expired')],
    ['unauthorized', () => world.postStatus('unauthorized')],
    ['timeout', () => flush(60_000)],
  ] as const
  it.each(alerts)('should explain %s in an alert and offer "Try again"', async (outcome, end) => {
    const { container } = world.renderButton({ timeoutMs: 60_000 })
    await startAttempt()
    await end()
    await flush()
    const button = main()
    expect(button.textContent).toBe('Try again')
    expect(button.getAttribute('data-state')).toBe('error')
    expect(button.hasAttribute('aria-disabled')).toBe(false)
    const text = defaultConnectMessages[outcome].replace('{provider}', 'Epic')
    expect(alert().textContent).toBe(text)
    expect(status().textContent).toBe('')
    expect(button.getAttribute('aria-describedby')).toBe(alert().id)
    expect(world.callbacks.onError).toHaveBeenCalledWith(
      expect.objectContaining({ status: outcome }),
    )
    expect(world.callbacks.onSuccess).not.toHaveBeenCalled()
    expect(world.env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
    await expectAccessible(container)
  })

  it('should word each outcome plainly', () => {
    expect(defaultConnectMessages).toMatchObject({
      cancelled: 'You cancelled the connection.',
      expired: 'The session expired. Please try again.',
      unauthorized: 'Security check failed. Please try again.',
      timeout: 'Timed out waiting for the provider.',
      blocked: 'Pop-ups are blocked for this site.',
    })
  })

  const chosen = [
    ['cancelled', () => world.postStatus('cancelled')],
    [
      'closed',
      async () => {
        world.popup().markClosed()
        await flush(1000)
      },
    ],
  ] as const
  it.each(chosen)('should announce %s politely, not as an alert', async (outcome, end) => {
    const { container } = world.renderButton()
    await startAttempt()
    await end()
    await flush()
    expect(main().textContent).toBe('Try again')
    expect(main().getAttribute('data-state')).toBe('error')
    expect(status().textContent).toBe(defaultConnectMessages[outcome])
    expect(alert().textContent).toBe('')
    expect(world.callbacks.onError).toHaveBeenCalledWith(
      expect.objectContaining({ status: outcome }),
    )
    await expectAccessible(container)
  })

  it('should cancel by keyboard alone and return focus to the main button', async () => {
    const { container } = world.renderButton()
    await world.user.tab()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Connect Epic' }))
    await world.user.keyboard('{Enter}')
    await flush()
    expect(world.open).toHaveBeenCalledTimes(1)
    await world.user.tab()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }))
    await world.user.keyboard(' ')
    await flush()
    expect(world.popup().closeCalls).toBe(1)
    expect(document.activeElement).toBe(main())
    expect(main().textContent).toBe('Try again')
    expect(status().textContent).toBe('Connection stopped.')
    expect(world.callbacks.onError).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'aborted' }),
    )
    await expectAccessible(container)
    await world.user.keyboard('{Enter}')
    await flush()
    expect(world.open).toHaveBeenCalledTimes(2)
    expect(main().textContent).toBe('Connecting…')
  })

  it('should move focus to the main button when an outcome removes the focused cancel control', async () => {
    world.renderButton()
    await startAttempt()
    await world.user.tab()
    expect(document.activeElement?.textContent).toBe('Cancel')
    world.post('status-success')
    await flush()
    expect(document.activeElement).toBe(main())
  })

  it('should show "Finish in the other window" while detached, then settle', async () => {
    const confirm = vi.fn(async () => false)
    const { container } = world.renderButton({ confirm })
    await startAttempt()
    await act(async () => world.popup().markClosed())
    await flush(500)
    expect(main().textContent).toBe('Finish in the other window')
    expect(main().getAttribute('data-state')).toBe('detached')
    expect(main().getAttribute('aria-disabled')).toBe('true')
    expect(status().textContent).toBe('Finish connecting to Epic in the other window.')
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy()
    await expectAccessible(container)
    confirm.mockResolvedValue(true)
    await flush(3000)
    await flush()
    expect(main().textContent).toBe('Connected')
    expect(world.callbacks.onSuccess).toHaveBeenCalledTimes(1)
  })

  it('should explain a blocked popup and continue in this tab through redirect mode', async () => {
    world.blockPopups()
    const { container } = world.renderButton({ callbackUrl: '/connect/callback' })
    await startAttempt()
    expect(main().textContent).toBe('Try again')
    expect(alert().textContent).toBe('Pop-ups are blocked for this site.')
    expect(world.callbacks.onError).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'blocked' }),
    )
    await expectAccessible(container)
    const next = screen.getByRole('button', { name: 'Continue in this tab' })
    expect(document.activeElement).toBe(main())
    await world.user.tab()
    expect(document.activeElement).toBe(next)
    await world.user.keyboard('{Enter}')
    await flush()
    expect(world.env.assigned).toEqual([PROVIDER_URL])
    expect(world.getRedirectUrl).toHaveBeenLastCalledWith(
      expect.objectContaining({
        redirectUri: expect.stringMatching(`^${APP}/connect/callback\\?attempt=`),
      }),
    )
    expect(world.open).toHaveBeenCalledTimes(1)
    expect(main().textContent).toBe('Connecting…')
    expect(document.activeElement).toBe(main())
    expect(screen.queryByRole('button', { name: 'Continue in this tab' })).toBeNull()
  })

  it('should ask to allow pop-ups when a blocked attempt cannot continue in this tab', async () => {
    world.blockPopups()
    world.renderButton()
    await startAttempt()
    expect(alert().textContent).toBe(
      'Pop-ups are blocked for this site. Allow pop-ups and try again.',
    )
    expect(screen.queryByRole('button', { name: 'Continue in this tab' })).toBeNull()
  })

  it('should close the popup on unmount while pending and call nothing afterwards', async () => {
    const error = vi.spyOn(console, 'error')
    const { unmount } = world.renderButton()
    await startAttempt()
    const popup = world.popup()
    unmount()
    await flush()
    expect(popup.closeCalls).toBe(1)
    world.post('status-success')
    await flush(300_000)
    expect(world.callbacks.onSettled).not.toHaveBeenCalled()
    expect(world.callbacks.onError).not.toHaveBeenCalled()
    expect(world.env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
    expect(error).not.toHaveBeenCalled()
  })

  it('should use overridden messages, with {provider} filled in', async () => {
    world.renderButton({
      messages: {
        connect: 'Verbinden mit {provider}',
        connecting: 'Verbindung läuft…',
        pending: '{provider}: bitte warten',
        cancel: 'Abbrechen',
        expired: 'Sitzung abgelaufen.',
        tryAgain: 'Nochmal',
      },
    })
    await world.user.click(screen.getByRole('button', { name: 'Verbinden mit Epic' }))
    await flush()
    expect(main().textContent).toBe('Verbindung läuft…')
    expect(status().textContent).toBe('Epic: bitte warten')
    expect(screen.getByRole('button', { name: 'Abbrechen' })).toBeTruthy()
    world.postStatus('expired')
    await flush()
    expect(main().textContent).toBe('Nochmal')
    expect(alert().textContent).toBe('Sitzung abgelaufen.')
  })

  it('should apply className as a string or a function of the render state, and drop defaults when unstyled', async () => {
    const { container, rerender } = world.renderButton({
      className: ({ state, isPending }) => `mine-${state}${isPending ? ' busy' : ''}`,
    })
    expect(main().className).toBe('oc-button mine-idle')
    await startAttempt()
    expect(main().className).toBe('oc-button mine-pending busy')
    rerender(
      <ConnectProviderButton
        connectionId="conn-1"
        providerName="Epic"
        getRedirectUrl={world.getRedirectUrl}
        className="plain"
        unstyled
      />,
    )
    expect(main().className).toBe('plain')
    expect(container.querySelector('[class*="oc-"]')).toBeNull()
  })

  it('should render children, also as a function of the render state', async () => {
    world.renderButton({ children: ({ state }) => (state === 'idle' ? 'Link Epic' : undefined) })
    await startAttempt('Link Epic')
    expect(main().textContent).toBe('Connecting…')
  })

  it('should ignore presses when isDisabled', async () => {
    renderStrict(
      <ConnectProviderButton
        connectionId="conn-1"
        providerName="Epic"
        getRedirectUrl={world.getRedirectUrl}
        isDisabled
      />,
    )
    const button = screen.getByRole('button', { name: 'Connect Epic' })
    expect(button.getAttribute('aria-disabled')).toBe('true')
    expect(button.getAttribute('data-disabled')).toBe('true')
    expect(button.hasAttribute('data-pending')).toBe(false)
    await world.user.click(button)
    expect(world.open).not.toHaveBeenCalled()
  })

  it('[SEC-35] should give buttons of two connections a popup each, and focus the open one on a second press', async () => {
    const onSettledA = vi.fn()
    const onSettledB = vi.fn()
    renderStrict(
      <>
        <ConnectProviderButton
          connectionId="conn-a"
          providerName="Epic"
          getRedirectUrl={world.getRedirectUrl}
          allowedOrigins={['http://127.0.0.1:4000']}
          onSettled={onSettledA}
        />
        <ConnectProviderButton
          connectionId="conn-b"
          providerName="Cerner"
          getRedirectUrl={world.getRedirectUrl}
          allowedOrigins={['http://127.0.0.1:4000']}
          onSettled={onSettledB}
        />
      </>,
    )
    await startAttempt('Connect Epic')
    await startAttempt('Connect Cerner')
    const [epic, cerner] = world.windows.popups
    expect(world.windows.popups).toHaveLength(2)
    expect(new Set(world.windows.names).size).toBe(2)
    world.post('status-success', 'http://127.0.0.1:4000', cerner)
    await flush(1)
    expect(onSettledB).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'success', connectionId: 'conn-b' }),
    )
    expect(onSettledA).not.toHaveBeenCalled()
    expect(epic?.closeCalls).toBe(0)
    // The pending Epic button ignores presses; a button of the same connection elsewhere focuses it.
    expect(screen.getAllByRole('button', { name: /Connecting/ })).toHaveLength(1)
    world.post('status-failure', 'http://127.0.0.1:4000', epic)
    await flush(1)
    expect(onSettledA).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'error', connectionId: 'conn-a' }),
    )
    expect(onSettledB).toHaveBeenCalledTimes(1)
  })

  it('[SEC-37] should report once when two signals arrive before React renders again', async () => {
    world.renderButton()
    await startAttempt()
    const attemptId = world.attemptId()
    act(() => {
      for (const data of [
        'status-success',
        { type: 'oauth-connect', version: 1, attemptId, statusCode: 'success' },
        'status-failure',
      ]) {
        window.dispatchEvent(
          new MessageEvent('message', {
            data,
            origin: typeof data === 'string' ? 'http://127.0.0.1:4000' : APP,
            source: world.popup().window,
          }),
        )
      }
      world.popup().markClosed()
    })
    await flush(2000)
    expect(world.callbacks.onSuccess).toHaveBeenCalledTimes(1)
    expect(world.callbacks.onSettled).toHaveBeenCalledTimes(1)
    expect(world.callbacks.onError).not.toHaveBeenCalled()
    expect(main().getAttribute('data-state')).toBe('success')
    expect(world.env.live).toEqual({ listeners: 0, intervals: 0, timeouts: 0, channels: 0 })
  })
})
