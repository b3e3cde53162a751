import type { ReactNode } from 'react'
import { ButtonGroup } from './ButtonGroup.tsx'
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
  // Styling props stay out of the flow's options.
  const { children, className, unstyled, ...options } = props
  const aria = useConnectProviderButton(options)
  // Cancel (pending) and continue (blocked) never show together.
  const [extra, key] = aria.cancelButtonProps
    ? [aria.cancelButtonProps, 'cancel' as const]
    : [aria.continueButtonProps, 'continueHere' as const]
  return (
    <ButtonGroup
      {...props}
      {...aria}
      render={aria.renderState}
      extra={
        extra && (
          <button {...extra} key={key} className={classOf('oc-button oc-secondary', unstyled)}>
            {aria.text(key)}
          </button>
        )
      }
    />
  )
}
