import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { findPostMessageTargets } from '../src/postMessageTargets.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

function compilerOptions(): ts.CompilerOptions {
  const { config } = ts.readConfigFile(`${root}tsconfig.base.json`, ts.sys.readFile)
  return {
    ...ts.convertCompilerOptionsFromJson(config.compilerOptions, root).options,
    noEmit: true,
  }
}

/** Every TypeScript source of every package and app, tests and test helpers excepted. */
function sources(): string[] {
  const files: string[] = []
  for (const group of ['packages', 'apps']) {
    for (const project of readdirSync(`${root}${group}`)) {
      const src = `${root}${group}/${project}/src`
      for (const entry of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
        if (
          !/\.tsx?$/.test(entry) ||
          /\.test(-d)?\.tsx?$|(^|\/)(test|testing)(\/|\.ts)/.test(entry)
        ) {
          continue
        }
        files.push(`${src}/${entry}`)
      }
    }
  }
  return files
}

/** Checks in-memory files beside the real lib, for the cases the check must catch. */
function checkSnippets(snippets: Record<string, string>) {
  const options = compilerOptions()
  const host = ts.createCompilerHost(options)
  const read = host.readFile.bind(host)
  const exists = host.fileExists.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  const path = (name: string) => `${root}snippets/${name}`
  host.fileExists = (file) => Object.keys(snippets).some((n) => path(n) === file) || exists(file)
  host.readFile = (file) =>
    Object.entries(snippets).find(([n]) => path(n) === file)?.[1] ?? read(file)
  host.getSourceFile = (file, language) => {
    const snippet = Object.entries(snippets).find(([n]) => path(n) === file)?.[1]
    return snippet === undefined
      ? getSourceFile(file, language)
      : ts.createSourceFile(file, snippet, language, true)
  }
  return findPostMessageTargets(Object.keys(snippets).map(path), options, host)
}

describe('postMessage target origins', () => {
  it('[SEC-3] should find only exact target origins in every package and app', () => {
    const { findings, substituted, calls } = findPostMessageTargets(sources(), compilerOptions())
    expect(findings).toEqual([])
    // The callback hand-off and the mock's completion page, at least: the check saw them.
    expect(calls).toBeGreaterThanOrEqual(2)
    // Targets a server writes into a page script: reviewed by hand. The mock's completion page
    // writes the registered app origin (its own test checks the value); add a row only after the
    // same review.
    expect(
      substituted.map(({ file, expression }) => `${file.slice(root.length)}: ${expression}`),
    ).toEqual(['apps/mock-backend/src/bwell/completionPage.ts: scriptJson(appOrigin)'])
  }, 60_000)

  it('[SEC-3] should flag every target that is not provably an exact origin', () => {
    const bad = checkSnippets({
      'bad.ts': `
declare const popup: Window
declare function f(x: string): string
declare let anything: string
const star = '*'
let later = 'https://app.example'
popup.postMessage(f('x'), '*')
popup.postMessage('m', star)
popup.postMessage('m', later)
popup.postMessage('m', anything)
popup.postMessage('m', f('origin'))
popup.postMessage('m', { targetOrigin: '*' })
popup.postMessage('m', 'https://app.example/path')
;(popup as any).postMessage('m', location.origin)
export const page = \`<script>window.opener.postMessage('status-success', '*')</script>\`
export const other = \`<script>const t = '*'; opener.postMessage(1, t)</script>\`
`,
    })
    expect(bad.findings.map(({ line }) => line)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
  })

  it('should accept exact origins, and skip channels without a target', () => {
    const good = checkSnippets({
      'good.ts': `
declare const popup: Window
declare const channel: BroadcastChannel
declare const port: MessagePort
declare const href: string
const app = 'https://app.example'
popup.postMessage('m', location.origin)
popup.postMessage('m', new URL(href).origin)
popup.postMessage('m', app)
popup.postMessage('m', '/')
popup.postMessage('m', { targetOrigin: window.location.origin })
popup.postMessage('m')
channel.postMessage('m')
port.postMessage('m')
export const page = \`<script>const t = 'https://app.example'; opener.postMessage(1, t)</script>\`
`,
    })
    expect(good.findings).toEqual([])
    expect(good.calls).toBe(7)
  })
})
