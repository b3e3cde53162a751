// Test helpers shared by the workspace packages (private, never published).
export type { FakePopup, FakeWindows, LiveCounts } from './connectEnv.ts'
export { fakePopup, fakeWindows, memoryChannel, trackConnectEnv } from './connectEnv.ts'
export type {
  AuthServer,
  AuthServerOptions,
  Fault,
  RecordedRequest,
} from './login/authServer.ts'
export { startAuthServer } from './login/authServer.ts'
export { createTestClient } from './login/testClient.ts'
