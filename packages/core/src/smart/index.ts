// Public API of SMART App Launch (`@oauth-connect/core/smart`), an opt-in layer over the login client.
export {
  fetchSmartConfiguration,
  parseSmartConfiguration,
  type SmartConfiguration,
} from './configuration.ts'
export {
  createSmartClient,
  type SmartClient,
  type SmartClientOptions,
  smartScope,
  smartServer,
} from './createSmartClient.ts'
export {
  type FhirContextItem,
  type LaunchContext,
  launchContext,
  type ScopesNarrowed,
  smartTokenContext,
} from './launchContext.ts'
