import type * as core from '@oauth-connect/core'
import {
  type ConnectionOutcome,
  connectProvider,
  InvalidArgumentError,
} from '@oauth-connect/core/connect'
import { type createLoginClient, type LoginClient, LoginError } from '@oauth-connect/core/login'
import { createSmartClient, type SmartClient } from '@oauth-connect/core/smart'

export function connect(button: HTMLButtonElement): Promise<ConnectionOutcome> {
  return new Promise((resolve) => {
    button.addEventListener('click', () => {
      void connectProvider({
        connectionId: 'conn-123',
        getRedirectUrl: async ({ connectionId }) => `https://example.com/oauth/${connectionId}`,
        allowedOrigins: ['https://example.com'],
      }).then(resolve)
    })
  })
}

export function describeOutcome(outcome: ConnectionOutcome): string {
  // @ts-expect-error a status is one of the documented literals, never any string
  const impossible: typeof outcome.status = 'not-a-status'
  return `${outcome.status} ${String(impossible)}`
}

export const sameFunction: typeof core.connectProvider = connectProvider

export function isArgumentError(error: unknown): error is InvalidArgumentError {
  return error instanceof InvalidArgumentError || error instanceof LoginError
}

export type MakeLoginClient = (...args: Parameters<typeof createLoginClient>) => LoginClient

// @ts-expect-error connectionId must be a string
void connectProvider({ connectionId: 1, getRedirectUrl: () => 'https://example.com' })

export function smartClient(): SmartClient {
  return createSmartClient('https://fhir.example.com/r4', {
    clientId: 'patient-app',
    redirectUri: 'https://app.example.com/smart/callback',
  })
}

export function patientOf(client: SmartClient): string | undefined {
  // @ts-expect-error the launch context may be missing before sign-in
  const patient: string = client.getLaunchContext().patient
  return client.getLaunchContext()?.patient ?? patient
}
