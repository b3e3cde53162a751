import type { ButtonHTMLAttributes, Ref } from 'react'
import type { LiveRegionProps } from './LiveRegion.tsx'

/** The `data-state` of every button in this package. */
export type ButtonState = 'idle' | 'pending' | 'detached' | 'success' | 'error'

/** What a `className` function receives. */
export interface ButtonRenderState {
  readonly state: ButtonState
  /** An action is running: the button is `aria-disabled` and ignores presses. */
  readonly isPending: boolean
  /** Presses are ignored (pending, done, or `isDisabled`). */
  readonly isDisabled: boolean
}

/** Props every ready-made button shares. */
export interface StyleProps<S extends ButtonRenderState> {
  /**
   * Added to the button's class, after the default `oc-button`; a function gets the render state.
   */
  readonly className?: string | ((state: S) => string)
  /** Drops every default `oc-*` class name, so `styles.css` styles nothing. */
  readonly unstyled?: boolean
}

/** A prop bag for a `<button>`; spread it and render the label as its child. */
export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  readonly ref?: Ref<HTMLButtonElement>
  readonly 'data-state'?: ButtonState
  readonly 'data-pending'?: true | undefined
  readonly 'data-disabled'?: true | undefined
}

/** Props for an always-mounted `<LiveRegion>`; they carry its text as `children`. */
export type RegionProps = LiveRegionProps & { readonly id: string; readonly children: string }

/** Builds the main button's bag: `aria-disabled` (never `disabled`) keeps it focusable. */
export function mainButtonProps(
  render: ButtonRenderState,
  onClick: () => void,
  describedBy: string | undefined,
): ButtonProps {
  return {
    type: 'button',
    onClick,
    'aria-disabled': render.isDisabled || undefined,
    'aria-describedby': describedBy,
    'data-state': render.state,
    'data-pending': render.isPending || undefined,
    'data-disabled': render.isDisabled || undefined,
  }
}

/**
 * Props for two live regions, mounted before any text arrives so the first message is announced: a polite
 * `status` and an assertive `alert`, with the message in the one `isAlert` picks.
 */
export function regionProps(
  id: string,
  message: string,
  isAlert: boolean,
): { statusProps: RegionProps; alertProps: RegionProps; describedBy: string | undefined } {
  const region = (role: 'status' | 'alert', text: string) => ({
    id: id + role,
    role,
    children: text,
  })
  return {
    statusProps: region('status', isAlert ? '' : message),
    alertProps: region('alert', isAlert ? message : ''),
    describedBy: message ? id + (isAlert ? 'alert' : 'status') : undefined,
  }
}

/** The class of one element: its default `oc-*` classes unless `unstyled`, then the custom class. */
export function classOf(defaults: string, unstyled: boolean | undefined, custom?: string) {
  return [!unstyled && defaults, custom].filter(Boolean).join(' ') || undefined
}
