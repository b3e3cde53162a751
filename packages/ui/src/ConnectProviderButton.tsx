import type { ReactNode } from 'react'
import { classOf, type StyleProps } from './buttonState.ts'
import {
  type ConnectRenderState,
  type UseConnectProviderButtonProps,
  useConnectProviderButton,
} from './useConnectProviderButton.ts'

/** Props of {@link ConnectProviderButton}. */
export interface ConnectProviderButtonProps
  extends UseConnectProviderButtonProps,
    StyleProps<ConnectRenderState> {
  /** Replaces the main button's label; a function gets the render state. */
  readonly children?: ReactNode | ((state: ConnectRenderState) => ReactNode)
}

/**
 * A drop-in button that links a data source through a popup: "Connect {provider}", a cancel
 * control while pending, and every outcome explained in a live region.
 *
 * Markup, with default classes: `div.oc-group[data-state]` holding `button.oc-button`,
 * `button.oc-button.oc-secondary` (cancel, continue in this tab), `div.oc-message[role=status]`
 * and `div.oc-message.oc-alert[role=alert]`.
 *
 * @param props see {@link ConnectProviderButtonProps}
 * @returns the button group
 * @see useConnectProviderButton for the same behaviour on your own elements
 */
export function ConnectProviderButton(props: ConnectProviderButtonProps): ReactNode {
  const { children, className, unstyled, ...rest } = props
  const aria = useConnectProviderButton(rest)
  const { renderState: render } = aria
  const secondary = classOf('oc-button oc-secondary', unstyled)
  return (
    <div className={classOf('oc-group', unstyled)} data-state={render.state}>
      <button
        {...aria.buttonProps}
        className={classOf(
          'oc-button',
          unstyled,
          typeof className === 'function' ? className(render) : className,
        )}
      >
        {typeof children === 'function' ? children(render) : (children ?? aria.label)}
      </button>
      {aria.cancelButtonProps && (
        <button {...aria.cancelButtonProps} className={secondary}>
          {aria.text('cancel')}
        </button>
      )}
      {aria.continueButtonProps && (
        <button {...aria.continueButtonProps} className={secondary}>
          {aria.text('continueHere')}
        </button>
      )}
      <div {...aria.statusProps} className={classOf('oc-message', unstyled)} />
      <div {...aria.alertProps} className={classOf('oc-message oc-alert', unstyled)} />
    </div>
  )
}
