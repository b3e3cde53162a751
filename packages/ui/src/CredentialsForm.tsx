import type { ReactNode } from 'react'
import { classOf } from './buttonState.ts'
import {
  type CredentialsState,
  type UseCredentialsFormProps,
  useCredentialsForm,
} from './Credentials.ts'
import { LiveRegion } from './LiveRegion.tsx'

/** Props of {@link CredentialsForm}. */
export interface CredentialsFormProps extends UseCredentialsFormProps {
  /** Added to the form's class, after the default `oc-form`; a function gets the state. */
  readonly className?: string | ((state: { state: CredentialsState; isPending: boolean }) => string)
  /** Drops every default `oc-*` class name. */
  readonly unstyled?: boolean
}

/**
 * An accessible username and password form for a `BASIC` data source, over
 * {@link useCredentialsForm}: labelled fields, errors announced in an alert region, the submit
 * button `aria-disabled` (still focusable) while pending, the password never kept.
 *
 * Markup, with default classes: `form.oc-form[data-state]` holding two `div.oc-field` (a
 * `label` and an `input.oc-input`), `button.oc-button`, `div.oc-message[role=status]` and
 * `div.oc-message.oc-alert[role=alert]`.
 */
export function CredentialsForm({
  className,
  unstyled,
  ...props
}: CredentialsFormProps): ReactNode {
  const form = useCredentialsForm(props)
  const custom =
    typeof className === 'function'
      ? className({ state: form.state, isPending: form.isPending })
      : className
  return (
    <form {...form.formProps} className={classOf('oc-form', unstyled, custom)}>
      <div className={classOf('oc-field', unstyled)}>
        <label htmlFor={form.usernameLabelProps.htmlFor}>{form.messages.username}</label>
        <input {...form.usernameProps} className={classOf('oc-input', unstyled)} />
      </div>
      <div className={classOf('oc-field', unstyled)}>
        <label htmlFor={form.passwordLabelProps.htmlFor}>{form.messages.password}</label>
        <input {...form.passwordProps} className={classOf('oc-input', unstyled)} />
      </div>
      <button {...form.submitProps} className={classOf('oc-button', unstyled)}>
        {form.submitLabel}
      </button>
      <LiveRegion {...form.statusProps} className={classOf('oc-message', unstyled)} />
      <LiveRegion {...form.alertProps} className={classOf('oc-message oc-alert', unstyled)} />
    </form>
  )
}
