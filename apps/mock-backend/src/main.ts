import { originsFromEnv } from './config.ts'
import { startMockBackend } from './server.ts'

const backend = await startMockBackend(originsFromEnv())
const { origins } = backend
console.log(`mock backend: b.well ${origins.bwell} · portal ${origins.portal}`)
console.log(`mock backend: medblocks ${origins.medblocks} · opescare ${origins.opescare}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void backend.close().then(() => process.exit(0))
  })
}
