// Type-checks scripts/consumer (an app using every entry point) against the PACKED packages, as an
// integrator sees them: `pnpm pack` each built package, unpack the tarballs into the consumer's
// node_modules under their published names, link their dependencies, and run tsc with
// `skipLibCheck: false` under each supported moduleResolution, with the lowest supported
// TypeScript (the `typescript-min` devDependency) and the current one. `node` (node10) is
// checked to fail, as the READMEs say. Assumes the packages are built (dist/).
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * @typedef {object} ConsumerResult
 * @property {string} name
 * @property {string} check
 * @property {boolean} ok
 * @property {boolean} [skipped]
 */

/** The resolutions integrators use; each must type-check. */
export const resolutions = /** @type {const} */ ({
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
})

/** Packages the consumer's node_modules needs beside ours, for the types it checks. */
const extraTypes = ['@types/react', '@types/node', 'csstype', 'undici-types']

/**
 * @param {string} root the repository
 * @param {string} name a package name
 * @param {readonly string[]} from folders whose node_modules may hold it, first match wins
 * @returns {string | undefined}
 */
function locate(root, name, from) {
  for (const dir of [...from, root]) {
    const candidate = path.join(dir, 'node_modules', name)
    if (existsSync(candidate)) return candidate
  }
  return undefined
}

/**
 * Which TypeScript compilers to run: the minimum and the current one, by version.
 * @param {string} root
 * @returns {{ label: string, tsc: string }[]}
 */
export function compilers(root) {
  /** @type {{ label: string, tsc: string }[]} */
  const list = []
  for (const dir of ['typescript-min', 'typescript']) {
    const pkg = path.join(root, 'node_modules', dir)
    if (!existsSync(pkg)) continue
    const { version } = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'))
    list.push({ label: `typescript ${version}`, tsc: path.join(pkg, 'bin', 'tsc') })
  }
  return list
}

/**
 * @param {string} consumerDir
 * @param {string} name
 * @param {Record<string, unknown>} options compiler options of this variant
 * @returns {string} the tsconfig path
 */
function writeConfig(consumerDir, name, options) {
  const file = path.join(consumerDir, `tsconfig.${name}.json`)
  const config = {
    compilerOptions: {
      target: 'es2022',
      lib: ['es2022', 'dom', 'dom.iterable'],
      jsx: 'react-jsx',
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      types: ['node'],
      ...options,
    },
    include: ['src'],
  }
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`)
  return file
}

/**
 * @param {object} args
 * @param {string} args.root the repository
 * @param {(line: string) => void} [args.log]
 * @returns {ConsumerResult[]}
 */
export function checkConsumer({ root, log = console.log }) {
  /** @type {ConsumerResult[]} */
  const results = []
  const work = mkdtempSync(path.join(tmpdir(), 'oc-consumer-'))
  try {
    const tarballs = path.join(work, 'tarballs')
    const consumer = path.join(work, 'consumer')
    mkdirSync(tarballs)
    cpSync(path.join(root, 'scripts', 'consumer'), consumer, { recursive: true })
    const modules = path.join(consumer, 'node_modules')
    mkdirSync(modules)

    /** @type {{ name: string, dir: string, manifest: Record<string, Record<string, string>> }[]} */
    const packed = []
    for (const entry of readdirSync(path.join(root, 'packages')).sort()) {
      const dir = path.join(root, 'packages', entry)
      const { name } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
      const before = new Set(readdirSync(tarballs))
      const pack = spawnSync('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: dir,
        encoding: 'utf8',
      })
      const tarball = readdirSync(tarballs).find((f) => !before.has(f) && f.endsWith('.tgz'))
      if (pack.status !== 0 || tarball === undefined) {
        log(`${name}: pnpm pack failed\n${pack.stderr}`)
        results.push({ name, check: 'pack', ok: false })
        continue
      }
      const target = path.join(modules, name)
      mkdirSync(target, { recursive: true })
      const untar = spawnSync('tar', [
        '-xzf',
        path.join(tarballs, tarball),
        '-C',
        target,
        '--strip-components=1',
      ])
      const manifest = JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8'))
      // The published manifest names real versions: `workspace:` ranges would not install.
      const ranges = Object.values({ ...manifest.dependencies, ...manifest.peerDependencies })
      const ok = untar.status === 0 && !ranges.some((r) => String(r).startsWith('workspace:'))
      results.push({ name, check: 'pack', ok })
      packed.push({ name, dir, manifest })
    }

    // Dependencies come from the workspace's install, linked under their own names.
    const ours = new Set(packed.map((p) => p.name))
    /** @type {Map<string, string>} */
    const links = new Map()
    for (const { dir, manifest } of packed) {
      const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
      for (const dep of deps) {
        if (ours.has(dep) || links.has(dep)) continue
        const found = locate(root, dep, [dir])
        if (found !== undefined) links.set(dep, found)
        else log(`consumer: ${dep} is not installed in the workspace; its imports will fail`)
      }
    }
    for (const name of extraTypes) {
      const found = locate(root, name, [])
      if (found !== undefined && !links.has(name)) links.set(name, found)
    }
    for (const [name, source] of links) {
      mkdirSync(path.dirname(path.join(modules, name)), { recursive: true })
      symlinkSync(source, path.join(modules, name), 'dir')
    }

    // The server package is ESM; CommonJS reaches it through require(esm), on by default from
    // Node 20.19 and 22.12 (process.features.require_module). Its README states that.
    const features = /** @type {{ require_module?: boolean }} */ (process.features)
    const check = `server require() on Node ${process.version}`
    if (features.require_module === true) {
      const required = spawnSync(
        process.execPath,
        [
          '-e',
          "process.exit(typeof require('@oauth-connect/server').createTokenSource === 'function' ? 0 : 1)",
        ],
        { cwd: consumer, encoding: 'utf8' },
      )
      results.push({ name: '@oauth-connect/server', check, ok: required.status === 0 })
      if (required.status !== 0) log(`${check}:\n${required.stderr}`)
    } else {
      log(`${check}: skipped, this Node has no require(esm)`)
      results.push({ name: '@oauth-connect/server', check, ok: true, skipped: true })
    }

    for (const { label, tsc } of compilers(root)) {
      for (const [name, options] of Object.entries(resolutions)) {
        const config = writeConfig(consumer, name, options)
        const run = spawnSync(process.execPath, [tsc, '-p', config], {
          cwd: consumer,
          encoding: 'utf8',
        })
        const ok = run.status === 0
        results.push({ name: 'consumer', check: `${label} moduleResolution ${name}`, ok })
        if (!ok) log(`consumer, ${label}, ${name}:\n${run.stdout}${run.stderr}`)
      }
      // node10 ignores `exports`, so the subpath entries cannot resolve: the READMEs say so.
      const config = writeConfig(consumer, 'node10', {
        module: 'commonjs',
        moduleResolution: 'node',
      })
      const run = spawnSync(process.execPath, [tsc, '-p', config], {
        cwd: consumer,
        encoding: 'utf8',
      })
      const failsAsDocumented =
        run.status !== 0 && /Cannot find module '@oauth-connect\/core\/connect'/.test(run.stdout)
      results.push({
        name: 'consumer',
        check: `${label} moduleResolution node10 fails as documented`,
        ok: failsAsDocumented,
      })
      if (!failsAsDocumented) log(`consumer, ${label}, node10:\n${run.stdout}${run.stderr}`)
    }
    if (compilers(root).length < 2) {
      log('consumer: typescript-min is not installed (pnpm install)')
      results.push({ name: 'consumer', check: 'typescript-min installed', ok: false })
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return results
}
