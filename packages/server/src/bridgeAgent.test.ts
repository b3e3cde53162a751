import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { bridgeAgentHeaders } from './bridgeAgent.ts'
import { InvalidArgumentError } from './errors.ts'
import { Secret } from './secret.ts'

describe('bridgeAgentHeaders', () => {
  it('should build the id, key and Unix-seconds timestamp headers', () => {
    const headers = bridgeAgentHeaders({
      agentId: 'bridge-agent-1',
      agentKey: 'bridge-agent-key-1',
      now: () => 1_767_225_600_999,
    })

    expect(headers).toEqual({
      'X-Bridge-Agent-ID': 'bridge-agent-1',
      'X-Bridge-Agent-Key': 'bridge-agent-key-1',
      'X-Bridge-Timestamp': '1767225600',
    })
  })

  it('should read the clock on every call and accept the key as a Secret', () => {
    let clock = 1_000_000
    const options = { agentId: 'a', agentKey: new Secret('k'), now: () => clock }

    const first = bridgeAgentHeaders(options)
    clock += 61_000
    const second = bridgeAgentHeaders(options)

    expect(first['X-Bridge-Timestamp']).toBe('1000')
    expect(second['X-Bridge-Timestamp']).toBe('1061')
    expect(second['X-Bridge-Agent-Key']).toBe('k')
    expect(inspect(options)).not.toContain("'k'")
  })

  it('should be usable as fetch headers', () => {
    const headers = new Headers(bridgeAgentHeaders({ agentId: 'a', agentKey: 'k' }))

    expect(headers.get('x-bridge-agent-id')).toBe('a')
    expect(headers.get('x-bridge-timestamp')).toMatch(/^\d+$/)
  })

  it.each([
    [{ agentId: '', agentKey: 'k' }, '"agentId" must be a non-empty header-safe string'],
    [
      { agentId: 'a\r\nX-Evil: 1', agentKey: 'k' },
      '"agentId" must be a non-empty header-safe string',
    ],
    [{ agentId: 'a', agentKey: '' }, '"agentKey" must be a non-empty header-safe string'],
    [{ agentId: 'a', agentKey: 'k\n' }, '"agentKey" must be a non-empty header-safe string'],
    [
      { agentId: 'a', agentKey: 'k', now: () => Number.NaN },
      '"now" must return a finite number of milliseconds',
    ],
  ])('should reject %o', (options, message) => {
    expect(() => bridgeAgentHeaders(options)).toThrow(InvalidArgumentError)
    expect(() => bridgeAgentHeaders(options)).toThrow(message)
  })
})
