import { useConnectProvider } from '@oauth-connect/react'
import * as bwell from '@oauth-connect/react/bwell'
import { LoginButton, LogoutButton } from '@oauth-connect/ui'
import type { ReactNode } from 'react'

export const bwellExports: readonly string[] = Object.keys(bwell)

export function ConnectButton({ connectionId }: { connectionId: string }): ReactNode {
  const { connect, isPending } = useConnectProvider({
    getRedirectUrl: async () => 'https://example.com/oauth',
    allowedOrigins: ['https://example.com'],
  })
  return (
    <button type="button" aria-disabled={isPending} onClick={() => void connect(connectionId)}>
      Connect
    </button>
  )
}

export function Header(): ReactNode {
  return (
    <header>
      <LoginButton />
      <LogoutButton />
      {/* @ts-expect-error LoginButton has no such prop */}
      <LoginButton notAProp />
    </header>
  )
}
