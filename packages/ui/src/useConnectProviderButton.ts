import type { ConnectionOutcome } from '@oauth-connect/core/connect'
import {
  type UseConnectProviderOptions,
  type UseConnectProviderResult,
  useConnectProvider,
} from '@oauth-connect/react'
import { type RefObject, useCallback, useId, useLayoutEffect, useRef } from 'react'
import {
  type ButtonProps,
  type ButtonRenderState,
  type ButtonState,
  mainButtonProps,
  type RegionProps,
  regionProps,
} from './buttonState.ts'
import { type ConnectMessages, defaultConnectMessages } from './messages.ts'

/** Props of {@link useConnectProviderButton}: the hook options plus what the button shows. */
export interface UseConnectProviderButtonProps extends UseConnectProviderOptions {
  /** The b.well connection to link. */
  readonly connectionId: string
  /** Shown as `{provider}` in the texts, and in the popup while it loads. */
  readonly providerName: string
  /** Overrides some or all texts, e.g. a translation. */
  readonly messages?: Partial<ConnectMessages>
  /** Ignores presses and sets `aria-disabled`, e.g. while the connection id loads. */
  readonly isDisabled?: boolean
}

/** The render state of a connect button, for `className` and `children` functions. */
export interface ConnectRenderState extends ButtonRenderState {
  /** `idle`, `pending`, or the last outcome's status. */
  readonly status: UseConnectProviderResult['status']
  readonly outcome: ConnectionOutcome | undefined
}

/** What {@link useConnectProviderButton} returns. */
export interface ConnectProviderButtonAria {
  /** For the main `<button>`; render {@link ConnectProviderButtonAria.label} inside it. */
  readonly buttonProps: ButtonProps
  /** The main button's text for this state. */
  readonly label: string
  /** For a cancel `<button>` (text: `messages.cancel`); `undefined` unless pending. */
  readonly cancelButtonProps: ButtonProps | undefined
  /** For a "continue in this tab" `<button>`; `undefined` unless blocked with `callbackUrl`. */
  readonly continueButtonProps: ButtonProps | undefined
  /** For a polite `role="status"` region, always rendered; it carries its text as children. */
  readonly statusProps: RegionProps
  /** For an assertive `role="alert"` region, always rendered; it carries failures. */
  readonly alertProps: RegionProps
  /** The explanation of the current state, or `''` when idle. */
  readonly message: string
  readonly renderState: ConnectRenderState
  /** The texts in use, defaults merged with `messages`, `{provider}` filled in. */
  readonly text: (key: keyof ConnectMessages) => string
}

/** Outcomes the user chose; announced politely, not as alerts. */
const chosen = ['cancelled', 'closed', 'aborted']

/**
 * The behaviour and accessibility of a connect button as prop bags, for apps that render their own
 * elements (the React Aria pattern). `<ConnectProviderButton>` is this hook plus markup.
 *
 * The main button stays focusable while pending (`aria-disabled`, never `disabled`) and ignores
 * presses, so a double click opens one popup. When a control it offered
 * (cancel, continue) disappears while focused, focus returns to the main button.
 *
 * @param props `connectionId`, `providerName`, `messages`, `isDisabled` and the
 *   `useConnectProvider` options (with `onSuccess`, `onError`, `onSettled`)
 * @param ref the main button, when the caller keeps its own ref
 * @returns prop bags, the label, the message and the render state
 * @throws {InvalidArgumentError} from a press, for invalid hook options
 */
export function useConnectProviderButton(
  props: UseConnectProviderButtonProps,
  ref?: RefObject<HTMLButtonElement | null>,
): ConnectProviderButtonAria {
  const { connectionId, messages, isDisabled = false, ...options } = props
  const ownRef = useRef<HTMLButtonElement>(null)
  const buttonRef = ref ?? ownRef
  const { connect, status, phase, outcome, isPending, cancel } = useConnectProvider(options)
  const id = useId()

  const text = (key: keyof ConnectMessages) =>
    (messages?.[key] ?? defaultConnectMessages[key]).replaceAll('{provider}', props.providerName)

  const state: ButtonState = isPending
    ? phase === 'detached'
      ? 'detached'
      : 'pending'
    : status === 'idle' || status === 'success'
      ? status
      : 'error'
  const renderState: ConnectRenderState = {
    state,
    status,
    outcome,
    isPending,
    isDisabled: isDisabled || isPending || state === 'success',
  }
  const canContinue = status === 'blocked' && options.callbackUrl !== undefined
  const message =
    state === 'pending' || state === 'detached'
      ? text(state)
      : !outcome
        ? ''
        : status === 'blocked' && !canContinue
          ? `${text('blocked')} ${text('allowPopups')}`
          : text(outcome.status)
  const regions = regionProps(id, message, state === 'error' && !chosen.includes(status))

  // A control that unmounts while focused would drop focus on <body>: move it to the main button.
  const restoreFocus = useRef(false)
  const watched = useRef<HTMLButtonElement>(null)
  const watch = useCallback((node: HTMLButtonElement | null) => {
    if (node) watched.current = node
    else if (watched.current?.ownerDocument.activeElement === watched.current)
      restoreFocus.current = true
  }, [])
  useLayoutEffect(() => {
    if (!restoreFocus.current) return
    restoreFocus.current = false
    buttonRef.current?.focus()
  })

  const press = () => {
    if (renderState.isDisabled) return
    void connect(connectionId)
  }
  const stop = () => {
    cancel()
    buttonRef.current?.focus()
  }

  return {
    buttonProps: {
      ...mainButtonProps(renderState, press, regions.describedBy),
      ref: buttonRef,
    },
    label: text(
      (
        {
          idle: 'connect',
          pending: 'connecting',
          detached: 'detachedLabel',
          success: 'connected',
          error: 'tryAgain',
        } as const
      )[state],
    ),
    cancelButtonProps: isPending ? { type: 'button', onClick: stop, ref: watch } : undefined,
    continueButtonProps: canContinue
      ? {
          type: 'button',
          ref: watch,
          // Continuing a blocked attempt in this tab: the same connection, in redirect mode.
          onClick: () => void connect(connectionId, { mode: 'redirect' }),
        }
      : undefined,
    statusProps: regions.statusProps,
    alertProps: regions.alertProps,
    message,
    renderState,
    text,
  }
}
