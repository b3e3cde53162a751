import {
  type FormEvent,
  type FormHTMLAttributes,
  type InputHTMLAttributes,
  type LabelHTMLAttributes,
  type Ref,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react'
import { type ButtonProps, type RegionProps, regionProps } from './buttonState.ts'

/** Every text of the credentials form. `{provider}` is replaced by `providerName`. */
export interface CredentialsMessages {
  readonly username: string
  readonly password: string
  /** The submit button's label; also its accessible name. */
  readonly submit: string
  /** The submit button's label while the credentials are being checked. */
  readonly submitting: string
  /** Announced while pending. */
  readonly pending: string
  /** Announced after `onSubmit` resolved. */
  readonly success: string
  /** Announced (as an alert) when a field is empty; nothing is sent. */
  readonly missing: string
  /** Announced (as an alert) when `onSubmit` rejected, unless `errorMessage` says otherwise. */
  readonly failed: string
}

/** The English defaults of {@link CredentialsMessages}. */
export const defaultCredentialsMessages: CredentialsMessages = {
  username: 'Username',
  password: 'Password',
  submit: 'Connect {provider}',
  submitting: 'Connecting…',
  pending: 'Checking your {provider} sign-in…',
  success: '{provider} is connected.',
  missing: 'Enter your username and password.',
  failed: 'Could not connect {provider}. Check your username and password.',
}

/** The credentials, handed to `onSubmit` once and kept nowhere. */
export interface Credentials {
  readonly username: string
  readonly password: string
}

/** Props of {@link useCredentialsForm}. */
export interface UseCredentialsFormProps {
  /** The data source's name, for `{provider}` in the messages. */
  readonly providerName: string
  /**
   * Sends the credentials, e.g. `(c) => createConnection({ connectionId, ...c })` from
   * `useCreateConnection`; a rejection is announced as an error.
   */
  readonly onSubmit: (credentials: Credentials) => Promise<unknown>
  /** Called once `onSubmit` resolved, while mounted. */
  readonly onSuccess?: () => void
  /** The alert text for a rejection (e.g. from a `BwellError`'s issues). Default `messages.failed`. */
  readonly errorMessage?: (error: unknown) => string
  /** Overrides any subset of {@link defaultCredentialsMessages}. */
  readonly messages?: Partial<CredentialsMessages>
  /** Ignores submits, e.g. while nobody is signed in. */
  readonly isDisabled?: boolean
}

/** The state of the form: `data-state` on the form. */
export type CredentialsState = 'idle' | 'pending' | 'success' | 'error'

type InputProps = InputHTMLAttributes<HTMLInputElement> & { readonly ref?: Ref<HTMLInputElement> }

/** What {@link useCredentialsForm} returns: prop bags to spread, and the state. */
export interface CredentialsFormAria {
  readonly formProps: FormHTMLAttributes<HTMLFormElement> & {
    readonly 'data-state': CredentialsState
  }
  readonly usernameLabelProps: LabelHTMLAttributes<HTMLLabelElement>
  readonly usernameProps: InputProps
  readonly passwordLabelProps: LabelHTMLAttributes<HTMLLabelElement>
  readonly passwordProps: InputProps
  /** For a `<button>`; it submits the form, and is `aria-disabled` while pending. */
  readonly submitProps: ButtonProps
  /** The submit button's text. */
  readonly submitLabel: string
  /** Always-mounted live regions: polite `status`, assertive `alert`. */
  readonly statusProps: RegionProps
  readonly alertProps: RegionProps
  readonly state: CredentialsState
  readonly isPending: boolean
  /** The label texts. */
  readonly messages: CredentialsMessages
}

const fill = (text: string, provider: string) => text.replaceAll('{provider}', provider)

/**
 * A headless username and password form for `BASIC` data sources. The inputs are uncontrolled:
 * the password lives only in its input until submit, is handed to `onSubmit` once, and the
 * input is emptied at submit and at unmount. It is never put in state, props or logs.
 *
 * @returns prop bags for the form, labels, inputs, submit button and live regions
 */
export function useCredentialsForm(props: UseCredentialsFormProps): CredentialsFormAria {
  const { providerName, isDisabled = false } = props
  const messages = { ...defaultCredentialsMessages, ...props.messages }
  const id = useId()
  const username = useRef<HTMLInputElement>(null)
  const password = useRef<HTMLInputElement>(null)
  const [state, setState] = useState<CredentialsState>('idle')
  const [alert, setAlert] = useState('')
  const [invalid, setInvalid] = useState({ username: false, password: false })
  const pending = useRef(false)
  const mounted = useRef(false)
  const latest = useRef(props)
  latest.current = props

  useEffect(() => {
    mounted.current = true
    const field = password.current
    return () => {
      mounted.current = false
      if (field) field.value = ''
    }
  }, [])

  const onSubmit = useCallback((event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (pending.current || latest.current.isDisabled) return
    const name = username.current?.value.trim() ?? ''
    const secret = password.current?.value ?? ''
    if (password.current) password.current.value = ''
    const missing = { username: !name, password: !secret }
    setInvalid(missing)
    if (missing.username || missing.password) {
      setState('error')
      setAlert(
        fill(
          { ...defaultCredentialsMessages, ...latest.current.messages }.missing,
          latest.current.providerName,
        ),
      )
      ;(missing.username ? username : password).current?.focus()
      return
    }
    pending.current = true
    setState('pending')
    setAlert('')
    latest.current.onSubmit({ username: name, password: secret }).then(
      () => {
        pending.current = false
        if (!mounted.current) return
        setState('success')
        latest.current.onSuccess?.()
      },
      (error: unknown) => {
        pending.current = false
        if (!mounted.current) return
        const current = latest.current
        const text =
          current.errorMessage?.(error) ??
          { ...defaultCredentialsMessages, ...current.messages }.failed
        setState('error')
        setAlert(fill(text, current.providerName))
        password.current?.focus()
      },
    )
  }, [])

  const isPending = state === 'pending'
  const status =
    state === 'pending'
      ? fill(messages.pending, providerName)
      : state === 'success'
        ? fill(messages.success, providerName)
        : ''
  const regions = regionProps(id, alert || status, alert !== '')
  const describedBy = alert ? regions.describedBy : undefined
  const field = (name: 'username' | 'password'): InputProps => ({
    id: `${id}${name}`,
    name,
    ref: name === 'username' ? username : password,
    type: name === 'password' ? 'password' : 'text',
    autoComplete: name === 'password' ? 'current-password' : 'username',
    required: true,
    readOnly: isPending,
    'aria-invalid': invalid[name] || undefined,
    'aria-describedby': invalid[name] ? describedBy : undefined,
  })
  return {
    formProps: {
      onSubmit,
      noValidate: true,
      'aria-busy': isPending || undefined,
      'data-state': state,
    },
    usernameLabelProps: { htmlFor: `${id}username` },
    usernameProps: field('username'),
    passwordLabelProps: { htmlFor: `${id}password` },
    passwordProps: field('password'),
    submitProps: {
      type: 'submit',
      'aria-disabled': isPending || isDisabled || undefined,
      'aria-describedby': regions.describedBy,
      'data-state': isPending ? 'pending' : state,
      'data-pending': isPending || undefined,
      'data-disabled': isPending || isDisabled || undefined,
    },
    submitLabel: isPending ? messages.submitting : fill(messages.submit, providerName),
    statusProps: regions.statusProps,
    alertProps: regions.alertProps,
    state,
    isPending,
    messages,
  }
}
