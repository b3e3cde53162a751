import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { Secret } from './secret.ts'

describe('Secret', () => {
  const value = 's3cr3t-client-secret'

  it('should reveal the value only on request', () => {
    expect(new Secret(value).reveal()).toBe(value)
  })

  it('should never print the value through string, JSON or inspect', () => {
    const secret = new Secret(value)
    const holder = { clientId: 'app', clientSecret: secret }
    for (const printed of [
      String(secret),
      `${secret}`,
      JSON.stringify(holder),
      inspect(holder, { depth: 5, showHidden: true }),
    ]) {
      expect(printed).not.toContain(value)
    }
    expect(JSON.stringify(holder)).toBe('{"clientId":"app","clientSecret":"[redacted]"}')
  })
})
