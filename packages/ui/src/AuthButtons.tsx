import type { LoginOptions, LogoutOptions } from '@oauth-connect/core/login'
import { type UseAuthResult, useAuth } from '@oauth-connect/react'
import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { ButtonGroup } from './ButtonGroup.tsx'
import {
  type ButtonRenderState,
  type ButtonState,
  mainButtonProps,
  regionProps,
  type StyleProps,
} from './buttonState.ts'
import { type AuthMessages, defaultAuthMessages } from './messages.ts'

/** Props shared by {@link LoginButton} and {@link LogoutButton}. */
export interface AuthButtonProps extends StyleProps<ButtonRenderState> {
  /** Overrides some or all texts, e.g. a translation. */
  readonly messages?: Partial<AuthMessages> | undefined
  /** Replaces the label; a function gets the render state. */
  readonly children?: ReactNode | ((state: ButtonRenderState) => ReactNode) | undefined
  /** Ignores presses and sets `aria-disabled`. */
  readonly isDisabled?: boolean | undefined
  /** Called when the action rejects; the failure is also announced. */
  readonly onError?: ((error: unknown) => void) | undefined
}

/** Props of {@link LoginButton}. */
export interface LoginButtonProps extends AuthButtonProps {
  /**
   * Passed to `login`; popup mode is cancelled when the button unmounts. On a shared device,
   * `{ prompt: 'login' }` asks for the password even while the server still has a session.
   */
  readonly options?: LoginOptions | undefined
}

/** Props of {@link LogoutButton}. */
export interface LogoutButtonProps extends AuthButtonProps {
  /**
   * Passed to `logout`. `{ endSession: true }` also ends the authorization server's session
   * (the tab goes to its end-session page), so the next sign-in asks for a password: the choice
   * for a shared device.
   */
  readonly options?: LogoutOptions | undefined
}

/** What differs between the two buttons. */
interface Kind {
  run(auth: UseAuthResult, signal: AbortSignal, options: object | undefined): Promise<void>
  state(status: UseAuthResult['status'], action: Action): ButtonState
  labels: { readonly idle: keyof AuthMessages } & {
    readonly [S in ButtonState]?: keyof AuthMessages
  }
  failure: keyof AuthMessages
}

/** The button's own last press: running, failed, or nothing to show. */
type Action = 'busy' | 'failed' | undefined

/**
 * One press runs one action: a ref guards it before React re-renders, so a double click starts
 * one sign-in. Unmounting aborts it and drops its result.
 */
function AuthButton({
  kind,
  options,
  ...props
}: AuthButtonProps & { kind: Kind; options: object | undefined }): ReactNode {
  const { messages, isDisabled, onError } = props
  const auth = useAuth()
  const [action, setAction] = useState<Action>()
  const running = useRef<AbortController>(undefined)
  const id = useId()
  useEffect(() => () => running.current?.abort(), [])

  const text = (key: keyof AuthMessages) => messages?.[key] ?? defaultAuthMessages[key]
  const state = kind.state(auth.status, action)
  const render: ButtonRenderState = {
    state,
    isPending: state === 'pending',
    isDisabled: !!isDisabled || state === 'pending' || state === 'success',
  }
  const regions = regionProps(id, state === 'error' ? text(kind.failure) : '', true)
  const press = () => {
    if (render.isDisabled || running.current) return
    const controller = new AbortController()
    const settle = (next: Action) => {
      if (controller.signal.aborted) return false
      running.current = undefined
      setAction(next)
      return true
    }
    running.current = controller
    setAction('busy')
    kind.run(auth, controller.signal, options).then(
      () => settle(undefined),
      (error: unknown) => {
        if (settle('failed')) onError?.(error)
      },
    )
  }
  return (
    <ButtonGroup
      {...props}
      {...regions}
      render={render}
      buttonProps={mainButtonProps(render, press, regions.describedBy)}
      label={text(kind.labels[state] ?? kind.labels.idle)}
    />
  )
}

const loginKind: Kind = {
  run: (auth, signal, options) => auth.login({ signal, ...options }),
  state: (status, action) =>
    action === 'busy' || status === 'loading'
      ? 'pending'
      : status === 'signed-in'
        ? 'success'
        : action || status === 'error'
          ? 'error'
          : 'idle',
  labels: { idle: 'signIn', pending: 'signingIn', success: 'signedIn' },
  failure: 'signInFailed',
}

const logoutKind: Kind = {
  run: (auth, _signal, options) => auth.logout(options),
  state: (status, action) =>
    action === 'busy' ? 'pending' : action ? 'error' : status === 'signed-in' ? 'idle' : 'success',
  labels: { idle: 'signOut', pending: 'signingOut' },
  failure: 'signOutFailed',
}

/**
 * Starts a sign-in through `useAuth().login`. Labels: "Sign in", "Signing in…" while it starts or
 * the session loads, "Signed in" (`aria-disabled`) once signed in; a failure is announced as an
 * alert. Needs an `AuthProvider` above it.
 *
 * @param props see {@link LoginButtonProps}
 * @returns the button group, with the same markup and classes as `ConnectProviderButton`
 */
export function LoginButton({ options, ...props }: LoginButtonProps): ReactNode {
  return <AuthButton {...props} kind={loginKind} options={options} />
}

/**
 * Signs out through `useAuth().logout`. Labels: "Sign out", "Signing out…"; `aria-disabled` with
 * `data-state="success"` while nobody is signed in; a failure is announced as an alert.
 *
 * @param props see {@link LogoutButtonProps}
 * @returns the button group, with the same markup and classes as `ConnectProviderButton`
 */
export function LogoutButton({ options, ...props }: LogoutButtonProps): ReactNode {
  return <AuthButton {...props} kind={logoutKind} options={options} />
}
