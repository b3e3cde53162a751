import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'

/** A real `redis-server` on 127.0.0.1, started and stopped by a test. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** SIGKILL: Redis dies mid-run, as a crashed or evicted instance would. */
  kill(): Promise<void>
  /** SIGSTOP: Redis stays connected but answers nothing (slow). */
  pause(): void
  /** SIGCONT after {@link RedisServer.pause}. */
  resume(): void
  /** Starts a new, empty Redis on the same port (after {@link RedisServer.kill}). */
  restart(): Promise<void>
  /** Stops Redis (resuming it first if paused). */
  stop(): Promise<void>
}

const NOT_INSTALLED =
  'redis-server is not installed. The Redis store tests need a real Redis: run `bash scripts/setup.sh` ' +
  '(or `apt-get install -y redis-server`), then run the tests again.'

/** Fails, never skips, when `redis-server` is missing. */
export function assertRedisInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' })
  if (probe.error !== undefined || probe.status !== 0) throw new Error(NOT_INSTALLED)
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start on port ${port}:\n${output}`))
    }, 20_000)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new Error(NOT_INSTALLED, { cause: error }))
    })
    const early = (code: number | null) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code} on port ${port}:\n${output}`))
    }
    child.once('exit', early)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        child.removeListener('exit', early)
        resolve(child)
      }
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Starts `redis-server` on a free loopback port. Stop it in `afterAll`/`afterEach`. */
export async function startRedis(): Promise<RedisServer> {
  assertRedisInstalled()
  const port = await freePort()
  let child = await launch(port)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const done = exited(child)
      child.kill('SIGKILL')
      await done
    },
    pause() {
      child.kill('SIGSTOP')
    },
    resume() {
      child.kill('SIGCONT')
    },
    async restart() {
      child = await launch(port)
    },
    async stop() {
      const done = exited(child)
      child.kill('SIGCONT')
      child.kill('SIGTERM')
      await done
    },
  }
}
