// Type-checks every TypeScript example in the packages' Markdown docs.
//
// Each fenced block tagged ts, tsx or typescript becomes its own module inside the owning
// package's node_modules (so workspace names and peer dependencies resolve as they do for the
// package itself), and one program per package checks them with the TypeScript compiler API.
// A block preceded by `<!-- not-compiled -->` is skipped; keep that for fragments that cannot
// stand alone. Prints `file:line ok|FAIL`, writes reports/docs.json, exits 1 on any failure.
//
// Usage (repo root): node scripts/check-docs.mjs

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Ambient preludes by document: one-line declarations, by name, of values the surrounding text
 * says the app (or an earlier block) provides. A block gets a declaration only when it uses the
 * name without declaring or importing it.
 * @type {Record<string, Record<string, string>>}
 */
const preludes = {
  // "Create the client once, at module scope": the later blocks use that `auth`.
  'packages/core/docs/login.md': {
    auth: "declare const auth: import('@oauth-connect/core/login').LoginClient",
  },
  // "your router's redirect": the app's router supplies it.
  'packages/react/docs/auth.md': {
    Navigate:
      "declare function Navigate(props: { to: string; replace?: boolean }): import('react').ReactNode",
  },
}

/**
 * Every package's and app's README.md and docs/*.md, each with the folder whose scope its
 * examples compile in.
 * @returns {{ file: string, pkg: string, prelude: Record<string, string> }[]}
 */
function findDocuments() {
  const documents = []
  for (const group of ['packages', 'apps']) {
    const folders = readdirSync(path.join(root, group), { withFileTypes: true })
    for (const folder of folders
      .filter((f) => f.isDirectory())
      .map((f) => f.name)
      .sort()) {
      const pkg = `${group}/${folder}`
      const docs = path.join(root, pkg, 'docs')
      const files = [
        'README.md',
        ...(existsSync(docs)
          ? readdirSync(docs)
              .filter((f) => f.endsWith('.md'))
              .sort()
          : []
        ).map((f) => `docs/${f}`),
      ]
      for (const file of files) {
        if (!existsSync(path.join(root, pkg, file))) continue
        const name = `${pkg}/${file}`
        documents.push({ file: name, pkg, prelude: preludes[name] ?? {} })
      }
    }
  }
  return documents
}

const compiledTags = new Set(['ts', 'tsx', 'typescript'])
const optOut = '<!-- not-compiled -->'
/** @param {string} pkg */
const checkDir = (pkg) => path.join(root, pkg, 'node_modules', '.docs-check')

/**
 * Finds the fenced blocks of one Markdown file.
 * @param {string} text the Markdown source
 * @returns {{ line: number, tag: string, code: string, skipped: boolean }[]} line is 1-based, of the opening fence
 */
function extractBlocks(text) {
  const lines = text.split('\n')
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] ?? '')
    if (!open) continue
    const fence = open[2] ?? '```'
    const tag = (open[3] ?? '').toLowerCase()
    const start = i
    const body = []
    for (i++; i < lines.length; i++) {
      const line = lines[i] ?? ''
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line)?.[1]
      if (close && close[0] === fence[0] && close.length >= fence.length) break
      body.push(line)
    }
    const previous = (lines[start - 1] ?? '').trim()
    blocks.push({ line: start + 1, tag, code: body.join('\n'), skipped: previous === optOut })
  }
  return blocks
}

/**
 * Picks the prelude lines a block needs: names it uses but neither declares nor imports.
 * @param {string} code the block's source
 * @param {Record<string, string>} prelude declarations by name
 * @returns {string[]}
 */
function preludeFor(code, prelude) {
  return Object.entries(prelude)
    .filter(([name]) => {
      const used = new RegExp(`\\b${name}\\b`).test(code)
      const declared = new RegExp(`\\b(const|let|var|function|class)\\s+${name}\\b`).test(code)
      const imported = new RegExp(`import\\s[^;]*\\b${name}\\b[^;]*\\sfrom\\s`).test(code)
      return used && !declared && !imported
    })
    .map(([, line]) => line)
}

/**
 * Points relative specifiers (`'./src/server.ts'`) at the folder of the Markdown file they were
 * written for, since the block is checked from the temp folder. Keeps the line count.
 * @param {string} code the block's source
 * @param {string} from the Markdown file's folder
 * @param {string} to the temp folder the block is written to
 * @returns {string}
 */
function rebaseRelativeImports(code, from, to) {
  return code.replace(
    /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]*)\2/g,
    (_, lead, q, spec) => {
      const target = path.relative(to, path.resolve(from, spec)).split(path.sep).join('/')
      return `${lead}${q}${target.startsWith('.') ? target : `./${target}`}${q}`
    },
  )
}

/**
 * Reads the compiler options a package's own tsconfig.json gives, with the docs' overrides.
 * @param {string} dir the temp folder the generated tsconfig sits in
 * @returns {ts.CompilerOptions}
 */
function compilerOptionsFor(dir) {
  const config = {
    extends: path.relative(dir, path.join(dir, '..', '..', 'tsconfig.json')),
    compilerOptions: { noEmit: true, noUnusedLocals: false, noUnusedParameters: false },
    include: [],
  }
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir)
  const fatal = parsed.errors.filter((d) => d.code !== 18003) // 18003: no inputs, expected
  if (fatal.length > 0) throw new Error(format(fatal))
  return parsed.options
}

const host = {
  /** @param {string} f */
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
}
/** @param {readonly import('typescript').Diagnostic[]} diagnostics */
const format = (diagnostics) => ts.formatDiagnostics(diagnostics, host)

/** Parsed files shared by the packages' programs: lib.dom.d.ts and React's types parse once. */
const sourceFiles = new Map()

/**
 * A compiler host that reuses parsed source files across programs with the same parse settings.
 * @param {ts.CompilerOptions} options
 * @returns {ts.CompilerHost}
 */
function cachingHost(options) {
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`
    let file = sourceFiles.get(key)
    if (file === undefined) {
      file = getSourceFile(fileName, languageVersion, ...rest)
      if (file !== undefined) sourceFiles.set(key, file)
    }
    return file
  }
  return host
}

const results = []
const dirs = new Set()
let failed = 0

try {
  /** @type {Map<string, { fileName: string, doc: string, line: number, preludeLines: number }[]>} */
  const byPackage = new Map()
  for (const doc of findDocuments()) {
    const text = readFileSync(path.join(root, doc.file), 'utf8')
    const dir = checkDir(doc.pkg)
    const base = doc.file.replace(/[/\\.]/g, '_')
    for (const block of extractBlocks(text)) {
      if (!compiledTags.has(block.tag)) continue
      if (block.skipped) {
        console.log(`${doc.file}:${block.line} skipped (not-compiled)`)
        // Counted as a skip by the summary line, so an opted-out block stays visible.
        results.push({
          name: `${doc.file}:${block.line}`,
          check: 'docs-example',
          ok: true,
          skipped: true,
        })
        continue
      }
      if (!dirs.has(dir)) {
        rmSync(dir, { recursive: true, force: true })
        mkdirSync(dir, { recursive: true })
        dirs.add(dir)
      }
      const prelude = preludeFor(block.code, doc.prelude)
      const preludeLines = prelude.length
      const fileName = path.join(dir, `${base}-${block.line}.${block.tag === 'tsx' ? 'tsx' : 'ts'}`)
      const code = rebaseRelativeImports(block.code, path.dirname(path.join(root, doc.file)), dir)
      // `export {}` keeps each block a module, so top-level names never clash between blocks.
      writeFileSync(fileName, `${prelude.map((l) => `${l}\n`).join('')}${code}\nexport {}\n`)
      const list = byPackage.get(doc.pkg) ?? []
      list.push({ fileName, doc: doc.file, line: block.line, preludeLines })
      byPackage.set(doc.pkg, list)
    }
  }

  for (const [pkg, blocks] of byPackage) {
    let program
    let setupError = ''
    try {
      const options = compilerOptionsFor(checkDir(pkg))
      program = ts.createProgram(
        blocks.map((b) => b.fileName),
        options,
        cachingHost(options),
      )
      const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
      if (global.length > 0) setupError = format(global)
    } catch (error) {
      setupError = error instanceof Error ? error.message : String(error)
    }
    if (program === undefined || setupError !== '') {
      // A broken compiler setup fails every block of the package, and still gets reported.
      console.log(`${pkg}: cannot check its examples\n${setupError}`)
      for (const block of blocks) {
        results.push({ name: `${block.doc}:${block.line}`, check: 'docs-example', ok: false })
        console.log(`${block.doc}:${block.line} FAIL`)
        failed++
      }
      continue
    }
    for (const block of blocks) {
      const source = program.getSourceFile(block.fileName)
      const diagnostics = source
        ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
        : []
      const name = `${block.doc}:${block.line}`
      const ok = source !== undefined && diagnostics.length === 0
      results.push({ name, check: 'docs-example', ok })
      console.log(`${name} ${ok ? 'ok' : 'FAIL'}`)
      if (ok) continue
      failed++
      for (const d of diagnostics) {
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
        if (d.file && d.start !== undefined) {
          const at = d.file.getLineAndCharacterOfPosition(d.start)
          // Map the generated line back to the Markdown: fence line + 1 + offset in the block.
          const mdLine = block.line + 1 + at.line - block.preludeLines
          console.log(`  ${block.doc}:${mdLine}:${at.character + 1} TS${d.code}: ${message}`)
        } else {
          console.log(`  TS${d.code}: ${message}`)
        }
      }
    }
  }
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}

mkdirSync(path.join(root, 'reports'), { recursive: true })
writeFileSync(path.join(root, 'reports', 'docs.json'), `${JSON.stringify(results, null, 2)}\n`)
const checked = results.filter((r) => r.skipped !== true).length
console.log(`${checked - failed} of ${checked} doc examples compile`)
process.exitCode = failed > 0 ? 1 : 0
