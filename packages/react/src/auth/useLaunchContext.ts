import { type LaunchContext, launchContext } from '@oauth-connect/core/smart'
import { useMemo, useSyncExternalStore } from 'react'
import { useAuthContext } from './AuthProvider.tsx'

/**
 * The SMART launch context of the signed-in session (`patient`, `encounter`, `fhirContext`,
 * `needPatientBanner`, `smartStyleUrl`, the granted `scope`, `missingScopes`, `fhirUser`), for an
 * `AuthProvider` whose client comes from `createSmartClient`. The same object until the session
 * changes.
 *
 * @returns the launch context; `undefined` while signed out or for a client without SMART
 * @throws {Error} outside an `AuthProvider`
 */
export function useLaunchContext(): LaunchContext | undefined {
  const { client } = useAuthContext()
  const snapshot = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot)
  return useMemo(() => launchContext(snapshot), [snapshot])
}
