import type { ConnectionStatus } from '@oauth-connect/core/connect'

/**
 * Every text `<ConnectProviderButton>` shows or announces. `{provider}` is replaced by
 * `providerName`. Override any subset through the `messages` prop, e.g. for a translation.
 */
export interface ConnectMessages extends Record<ConnectionStatus, string> {
  /** Button label when idle; also its accessible name. */
  readonly connect: string
  /** Button label while the popup is open. */
  readonly connecting: string
  /** Button label while the popup reads closed but the attempt may still finish elsewhere. */
  readonly detachedLabel: string
  /** Button label after `success`. */
  readonly connected: string
  /** Button label after any other outcome. */
  readonly tryAgain: string
  /** The cancel control shown while pending. */
  readonly cancel: string
  /** After `blocked`: the control that continues in this tab (needs `callbackUrl`). */
  readonly continueHere: string
  /** After `blocked` without `callbackUrl`, appended to the `blocked` text. */
  readonly allowPopups: string
  /** Announced while the popup is open. */
  readonly pending: string
  /** Announced while detached. */
  readonly detached: string
}

/** The English defaults of {@link ConnectMessages}. */
export const defaultConnectMessages: ConnectMessages = {
  connect: 'Connect {provider}',
  connecting: 'Connecting…',
  detachedLabel: 'Finish in the other window',
  connected: 'Connected',
  tryAgain: 'Try again',
  cancel: 'Cancel',
  continueHere: 'Continue in this tab',
  allowPopups: 'Allow pop-ups and try again.',
  pending: 'Connecting to {provider}…',
  detached: 'Finish connecting to {provider} in the other window.',
  success: '{provider} is connected.',
  error: 'Could not connect {provider}. Please try again.',
  cancelled: 'You cancelled the connection.',
  expired: 'The session expired. Please try again.',
  unauthorized: 'Security check failed. Please try again.',
  closed: 'The window closed before the connection finished.',
  timeout: 'Timed out waiting for the provider.',
  blocked: 'Pop-ups are blocked for this site.',
  aborted: 'Connection stopped.',
}

/** Every text `<LoginButton>` and `<LogoutButton>` show or announce. */
export interface AuthMessages {
  /** `<LoginButton>` label; also its accessible name. */
  readonly signIn: string
  /** `<LoginButton>` label while the sign-in starts or the session loads. */
  readonly signingIn: string
  /** `<LoginButton>` label once signed in. */
  readonly signedIn: string
  /** Announced when signing in failed. */
  readonly signInFailed: string
  /** `<LogoutButton>` label; also its accessible name. */
  readonly signOut: string
  /** `<LogoutButton>` label while signing out. */
  readonly signingOut: string
  /** Announced when signing out failed. */
  readonly signOutFailed: string
}

/** The English defaults of {@link AuthMessages}. */
export const defaultAuthMessages: AuthMessages = {
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signedIn: 'Signed in',
  signInFailed: 'Sign-in failed. Please try again.',
  signOut: 'Sign out',
  signingOut: 'Signing out…',
  signOutFailed: 'Sign-out failed. Please try again.',
}
