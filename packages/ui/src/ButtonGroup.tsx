import type { ReactNode } from 'react'
import {
  type ButtonProps,
  type ButtonRenderState,
  classOf,
  type RegionProps,
  type StyleProps,
} from './buttonState.ts'
import { LiveRegion } from './LiveRegion.tsx'

/** Props of {@link ButtonGroup}: what the hook computed, and the caller's styling props. */
interface ButtonGroupProps<S extends ButtonRenderState> extends StyleProps<S> {
  readonly render: S
  readonly buttonProps: ButtonProps
  readonly label: string
  readonly statusProps: RegionProps
  readonly alertProps: RegionProps
  readonly children?: ReactNode | ((state: S) => ReactNode)
  /** Secondary controls, between the button and the live regions. */
  readonly extra?: ReactNode
}

/** The markup every ready-made button shares; internal. */
export function ButtonGroup<S extends ButtonRenderState>(props: ButtonGroupProps<S>): ReactNode {
  const { render, className, unstyled, children } = props
  return (
    <div className={classOf('oc-group', unstyled)} data-state={render.state}>
      <button
        {...props.buttonProps}
        className={classOf(
          'oc-button',
          unstyled,
          typeof className === 'function' ? className(render) : className,
        )}
      >
        {(typeof children === 'function' ? children(render) : children) ?? props.label}
      </button>
      {props.extra}
      <LiveRegion {...props.statusProps} className={classOf('oc-message', unstyled)} />
      <LiveRegion {...props.alertProps} className={classOf('oc-message oc-alert', unstyled)} />
    </div>
  )
}
