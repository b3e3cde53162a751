import { originsFromEnv } from './config.ts'
import { startMockBackend } from './server.ts'

const testMode = process.env.MOCK_BACKEND_TEST === '1'
const backend = await startMockBackend(originsFromEnv(), { testMode })
const { origins } = backend
console.log(`mock backend: b.well ${origins.bwell} · portal ${origins.portal}`)
console.log(`mock backend: medblocks ${origins.medblocks} · opescare ${origins.opescare}`)
console.log(`mock backend: app origin ${origins.app}${testMode ? ' · test mode (faults on)' : ''}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void backend.close().then(() => process.exit(0))
  })
}
