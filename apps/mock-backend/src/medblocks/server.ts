import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyHttpFaults, type FaultStore } from '../faults.ts'
import { pathOf, sendJson } from '../http.ts'
import type { SigningKey } from '../keys.ts'
import { type AccessTokenVerifier, createAccessTokenVerifier } from './accessToken.ts'
import { createDPoPChecker } from './dpop.ts'
import { handlePatient } from './fhir.ts'
import { handleInteraction } from './login.ts'
import { createMedblocksProvider } from './provider.ts'
import { handleSmartConfiguration, smartConfigurationPath } from './smart.ts'
import { handleSmartFhir } from './smartFhir.ts'

/** The Medblocks-style server (4002) and the verifier other stand-ins use for its tokens. */
export interface Medblocks {
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>
  verify: AccessTokenVerifier
}

/**
 * Mounts oidc-provider beside the login interaction, `/fhir/Patient` and the SMART routes
 * (`/fhir/.well-known/smart-configuration`, `/fhir/Patient/{id}`, `/fhir/Observation`) on one
 * node:http listener.
 */
export function createMedblocks(
  origin: string,
  appOrigin: string,
  key: SigningKey,
  faults: FaultStore,
): Medblocks {
  const provider = createMedblocksProvider(origin, appOrigin, key, faults)
  const verify = createAccessTokenVerifier(origin, key)
  const dpop = createDPoPChecker()
  const oidc = provider.callback()
  return {
    verify,
    handler: async (req, res) => {
      const path = pathOf(req)
      if (path === '/health' && req.method === 'GET') {
        sendJson(res, 200, { status: 'ok', service: 'medblocks' })
        return
      }
      if (path === '/fhir/Patient') {
        await handlePatient(req, res, { appOrigin, base: origin, verify, faults, dpop })
        return
      }
      if (path === smartConfigurationPath && (req.method === 'GET' || req.method === 'OPTIONS')) {
        handleSmartConfiguration(req, res, origin, appOrigin)
        return
      }
      if (await handleSmartFhir(req, res, path, { appOrigin, base: origin, verify, dpop })) return
      if (await handleInteraction(provider, req, res, path)) return
      if (path === '/oauth2/token' && req.method === 'POST') {
        const cors: Record<string, string> =
          req.headers.origin === appOrigin ? { 'access-control-allow-origin': appOrigin } : {}
        if (await applyHttpFaults(faults, { target: 'medblocksToken' }, res, cors)) return
      }
      await oidc(req, res)
    },
  }
}
