/// <reference types="node" />
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const css = readFileSync(
  fileURLToPath(import.meta.url).replace(/[^/]+$/, 'styles.css'),
  'utf8',
).replace(/\/\*[\s\S]*?\*\//g, '')

/** The custom properties declared in `block`. */
function variables(block: string): Record<string, string> {
  return Object.fromEntries(
    [...block.matchAll(/(--oc-[\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2]?.trim()]),
  )
}

const dark = css.match(/@media \(prefers-color-scheme: dark\) \{([\s\S]*?\})\s*\}/)?.[1] ?? ''
const light = variables(css.replace(dark, ''))
const themes = { light, dark: { ...light, ...variables(dark) } }

function luminance(hex: string): number {
  const channels = (hex.match(/^#(\w\w)(\w\w)(\w\w)$/)?.slice(1) ?? []).map((h) => {
    const v = Number.parseInt(h, 16) / 255
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  })
  expect(channels).toHaveLength(3)
  const [r = 0, g = 0, b = 0] = channels
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a: string | undefined, b: string | undefined): number {
  const [x, y] = [luminance(a ?? ''), luminance(b ?? '')].sort((p, q) => q - p)
  return ((x ?? 0) + 0.05) / ((y ?? 0) + 0.05)
}

// [foreground, background, minimum]: 4.5 for text, 3 for the focus ring (WCAG 1.4.3, 1.4.11).
const pairs = [
  ['--oc-text', '--oc-surface', 4.5],
  ['--oc-accent', '--oc-surface', 4.5],
  ['--oc-on-accent', '--oc-accent', 4.5],
  ['--oc-on-accent', '--oc-accent-hover', 4.5],
  ['--oc-on-success', '--oc-success', 4.5],
  ['--oc-danger', '--oc-surface', 4.5],
  ['--oc-focus', '--oc-surface', 3],
  ['--oc-border', '--oc-surface', 3],
] as const

describe('styles.css', () => {
  it.each(Object.entries(themes))('should meet WCAG AA contrast in the %s theme', (_, theme) => {
    for (const [fg, bg, min] of pairs) {
      expect({ fg, bg, ratio: contrast(theme[fg], theme[bg]) >= min }).toEqual({
        fg,
        bg,
        ratio: true,
      })
    }
  })

  it('should style only its own oc-* classes, so unstyled components stay bare', () => {
    const selectors = [...css.matchAll(/([^{}]+)\{/g)]
      .map((m) => m[1]?.trim() ?? '')
      .filter((s) => !s.startsWith('@media'))
    expect(selectors.length).toBeGreaterThan(5)
    for (const selector of selectors) {
      for (const part of selector.split(',')) expect(part).toMatch(/:where\((:root|\.oc-)/)
    }
  })

  it('should declare radius and spacing, and a dark theme of its own', () => {
    expect(themes.dark['--oc-surface']).toBe('#111827')
    expect(light['--oc-surface']).toBe('#ffffff')
    expect(light['--oc-radius']).toBeTruthy()
    expect(light['--oc-space']).toBeTruthy()
  })
})
