import { dpop, memoryKeyStore } from '@oauth-connect/core/dpop'
import { createSmartClient, type SmartClient } from '@oauth-connect/core/smart'
import { dpopOn } from './auth.ts'
import { origins } from './config.ts'

/** The mock's FHIR base: its Medblocks-style server is also a SMART on FHIR server. */
export const defaultFhirBase = `${origins.medblocks}/fhir`

/** The demo's SMART app at the mock (public client, PKCE only), with its own callback route. */
export const smartConfig = {
  clientId: 'oauth-connect-smart',
  callbackPath: '/smart/callback',
  // Per type, so a server that grants less (the user unticks Observations) shows what is missing.
  scopes: ['patient/Patient.rs', 'patient/Observation.rs'],
} as const

/** Where the FHIR base of the last SMART sign-in is kept, so the callback page uses the same. */
const fhirBaseKey = 'oauth-connect-demo:smart-fhir-base'

const clients = new Map<string, SmartClient>()

/**
 * The demo's SMART client for a FHIR base, created once per page load and base (the client owns
 * its tokens). Only the FHIR base is given: everything else comes from its smart-configuration.
 */
export function smartClientFor(fhirBase: string): SmartClient {
  let client = clients.get(fhirBase)
  if (!client) {
    client = createSmartClient(fhirBase, {
      clientId: smartConfig.clientId,
      redirectUri: new URL(smartConfig.callbackPath, location.origin).href,
      scopes: smartConfig.scopes,
      // The mock backend speaks http: on loopback; nothing else may.
      allowInsecureLoopback: true,
      resourceOrigins: [new URL(fhirBase).origin],
      postLogoutRedirectUri: new URL('/', location.origin).href,
      // The demo's DPoP switch binds SMART tokens too, with a key of their own: the tokens live
      // in this page's memory, and so does the key (signing out of one client never replaces
      // the other's key).
      dpop: dpopOn ? dpop({ store: memoryKeyStore() }) : undefined,
    })
    clients.set(fhirBase, client)
  }
  return client
}

/** The FHIR base the tab last signed in to with SMART (the callback needs the same client). */
export function currentFhirBase(): string {
  return sessionStorage.getItem(fhirBaseKey) ?? defaultFhirBase
}

/** Remembers the FHIR base a SMART sign-in starts with. */
export function rememberFhirBase(fhirBase: string): void {
  if (fhirBase === defaultFhirBase) sessionStorage.removeItem(fhirBaseKey)
  else sessionStorage.setItem(fhirBaseKey, fhirBase)
}
