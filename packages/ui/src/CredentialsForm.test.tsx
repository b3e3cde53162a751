import { act, render, screen } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import axe from 'axe-core'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CredentialsForm, type CredentialsFormProps } from './CredentialsForm.tsx'

// The form needs no QueryClient, so it renders without test/connectHarness.tsx and its popup world.
const renderStrict = (ui: ReactNode) => render(<StrictMode>{ui}</StrictMode>)

async function expectAccessible(container: Element) {
  const results = await axe.run(container)
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html)}`)).toEqual([])
}

const SECRET = 'pw-7f3a-secret'

/** A promise the test settles by hand. */
function deferred() {
  let resolve: () => void = () => {}
  let reject: (error: unknown) => void = () => {}
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

let logged: unknown[][]

beforeEach(() => {
  logged = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args)
    })
  }
})

afterEach(() => {
  // Whatever happened, the password was never logged.
  expect(JSON.stringify(logged)).not.toContain(SECRET)
})

function renderForm(props: Partial<CredentialsFormProps> = {}) {
  const onSubmit = vi.fn<CredentialsFormProps['onSubmit']>(async () => undefined)
  const onSuccess = vi.fn()
  const view = renderStrict(
    <CredentialsForm providerName="Quest" onSubmit={onSubmit} onSuccess={onSuccess} {...props} />,
  )
  return {
    ...view,
    onSubmit: (props.onSubmit as typeof onSubmit | undefined) ?? onSubmit,
    onSuccess,
    username: () => screen.getByLabelText('Username') as HTMLInputElement,
    password: () => screen.getByLabelText('Password') as HTMLInputElement,
    submit: () => screen.getByRole('button', { name: /connect quest|connecting/i }),
  }
}

describe('CredentialsForm', () => {
  it('should render labelled fields with sign-in autocomplete, and pass axe', async () => {
    const form = renderForm()
    expect(form.username()).toMatchObject({
      type: 'text',
      autocomplete: 'username',
      required: true,
    })
    expect(form.password()).toMatchObject({ type: 'password', autocomplete: 'current-password' })
    expect(form.submit().textContent).toBe('Connect Quest')
    expect(screen.getByRole('status').textContent).toBe('')
    expect(screen.getByRole('alert').textContent).toBe('')
    await expectAccessible(form.container)
  })

  it('should announce empty fields, mark them invalid, and send nothing', async () => {
    const user = userEvent.setup()
    const form = renderForm()
    await user.type(form.username(), 'quest.member')
    await user.click(form.submit())
    expect(screen.getByRole('alert').textContent).toBe('Enter your username and password.')
    expect(form.password().getAttribute('aria-invalid')).toBe('true')
    expect(form.username().getAttribute('aria-invalid')).toBeNull()
    expect(form.password().getAttribute('aria-describedby')).toBe(screen.getByRole('alert').id)
    expect(document.activeElement).toBe(form.password())
    expect(form.onSubmit).not.toHaveBeenCalled()
    await expectAccessible(form.container)
  })

  it('should send the credentials once, empty the password at once, and stay focusable but inert while pending', async () => {
    const user = userEvent.setup()
    const pending = deferred()
    const form = renderForm({ onSubmit: vi.fn(() => pending.promise) })
    await user.type(form.username(), ' quest.member ')
    await user.type(form.password(), SECRET)
    await user.keyboard('{Enter}')
    expect(form.onSubmit).toHaveBeenCalledExactlyOnceWith({
      username: 'quest.member',
      password: SECRET,
    })
    expect(form.password().value).toBe('')
    const button = form.submit()
    expect(button.textContent).toBe('Connecting…')
    expect(button.getAttribute('aria-disabled')).toBe('true')
    expect(button.hasAttribute('disabled')).toBe(false)
    expect(form.container.querySelector('form')?.getAttribute('aria-busy')).toBe('true')
    expect(screen.getByRole('status').textContent).toBe('Checking your Quest sign-in…')
    // Typing again and pressing submit while pending does nothing.
    await user.type(form.password(), 'again')
    await user.click(button)
    expect(form.onSubmit).toHaveBeenCalledTimes(1)
    await act(async () => pending.resolve())
    expect(screen.getByRole('status').textContent).toBe('Quest is connected.')
    expect(form.onSuccess).toHaveBeenCalledTimes(1)
    expect(form.container.innerHTML).not.toContain(SECRET)
    await expectAccessible(form.container)
  })

  it('should announce a failure as an alert, with errorMessage when given', async () => {
    const user = userEvent.setup()
    const pending = deferred()
    const form = renderForm({
      onSubmit: () => pending.promise,
      errorMessage: (error) => `b.well said: ${(error as Error).message}`,
    })
    await user.type(form.username(), 'quest.member')
    await user.type(form.password(), SECRET)
    await user.click(form.submit())
    await act(async () => pending.reject(new Error('the username or password was not accepted')))
    expect(screen.getByRole('alert').textContent).toBe(
      'b.well said: the username or password was not accepted',
    )
    expect(screen.getByRole('status').textContent).toBe('')
    expect(form.submit().getAttribute('aria-disabled')).toBeNull()
    expect(document.activeElement).toBe(form.password())
    expect(form.username().value).toBe('quest.member')
    expect(form.onSuccess).not.toHaveBeenCalled()
    await expectAccessible(form.container)
  })

  it('should use the default failure text and custom messages', async () => {
    const user = userEvent.setup()
    const form = renderForm({
      onSubmit: async () => {
        throw new Error('x')
      },
      messages: { username: 'Member ID' },
    })
    await user.type(screen.getByLabelText('Member ID'), 'm')
    await user.type(form.password(), SECRET)
    await user.click(form.submit())
    expect(screen.getByRole('alert').textContent).toBe(
      'Could not connect Quest. Check your username and password.',
    )
  })

  it('should empty the password at unmount, and call nothing after it', async () => {
    const user = userEvent.setup()
    const typed = renderForm()
    const password = typed.password()
    await user.type(password, SECRET)
    typed.unmount()
    expect(password.value).toBe('')

    const pending = deferred()
    const form = renderForm({ onSubmit: () => pending.promise })
    await user.type(form.username(), 'quest.member')
    await user.type(form.password(), SECRET)
    await user.click(form.submit())
    form.unmount()
    await act(async () => pending.resolve())
    expect(form.onSuccess).not.toHaveBeenCalled()
  })

  it('should ignore submits while isDisabled', async () => {
    const user = userEvent.setup()
    const form = renderForm({ isDisabled: true })
    await user.type(form.username(), 'quest.member')
    await user.type(form.password(), SECRET)
    await user.click(form.submit())
    expect(form.submit().getAttribute('aria-disabled')).toBe('true')
    expect(form.onSubmit).not.toHaveBeenCalled()
  })

  it('should drop default classes when unstyled, and take a className function', () => {
    const form = renderForm({ unstyled: true, className: ({ state }) => `form-${state}` })
    expect(form.container.querySelector('form')?.className).toBe('form-idle')
    expect(form.submit().className).toBe('')
  })
})
