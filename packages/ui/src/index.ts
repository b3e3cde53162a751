// Public API of `@oauth-connect/ui`. The stylesheet is a separate entry: `@oauth-connect/ui/styles.css`.
export {
  type AuthButtonProps,
  LoginButton,
  type LoginButtonProps,
  LogoutButton,
  type LogoutButtonProps,
} from './AuthButtons.tsx'
export type {
  ButtonProps,
  ButtonRenderState,
  ButtonState,
  RegionProps,
  StyleProps,
} from './buttonState.ts'
export { ConnectProviderButton, type ConnectProviderButtonProps } from './ConnectProviderButton.tsx'
export * from './Credentials.ts'
export { CredentialsForm, type CredentialsFormProps } from './CredentialsForm.tsx'
export { LiveRegion, type LiveRegionProps } from './LiveRegion.tsx'
export {
  type AuthMessages,
  type ConnectMessages,
  defaultAuthMessages,
  defaultConnectMessages,
} from './messages.ts'
export {
  type ConnectProviderButtonAria,
  type ConnectRenderState,
  type UseConnectProviderButtonProps,
  useConnectProviderButton,
} from './useConnectProviderButton.ts'
