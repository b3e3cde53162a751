import type { Connection } from '@oauth-connect/react/bwell'
import { describe, expect, it } from 'vitest'
import { connectionMark, connectionsBySource, resultControl } from './connectionMark.ts'

const connection = (id: string, status: string | null): Connection => ({
  id,
  name: id,
  category: 'OAUTH',
  type: 'CLINICAL',
  status,
  syncStatus: 'RETRIEVED',
  statusUpdated: null,
  lastSynced: null,
  created: '2026-11-29T10:00:00Z',
  integrationType: null,
  syncErrors: null,
})

describe('connectionMark', () => {
  it('should mark a CONNECTED connection as connected', () => {
    expect(connectionMark(connection('a', 'CONNECTED'))).toEqual({
      state: 'connected',
      text: 'Connected',
    })
  })

  it('should say which status needs attention for each status that wants a reconnect', () => {
    expect(
      ['DISCONNECTED', 'EXPIRED', 'ERROR', 'ACCESS_ENDED'].map((status) =>
        connectionMark(connection('a', status)),
      ),
    ).toEqual([
      { state: 'attention', text: 'Needs attention (disconnected)' },
      { state: 'attention', text: 'Needs attention (expired)' },
      { state: 'attention', text: 'Needs attention (error)' },
      { state: 'attention', text: 'Needs attention (access ended)' },
    ])
  })

  it('should show a status it does not know, or none, as it is', () => {
    expect(connectionMark(connection('a', 'PAUSED_BY_PROVIDER'))).toEqual({
      state: 'unknown',
      text: 'Status paused by provider',
    })
    expect(connectionMark(connection('a', null))).toEqual({
      state: 'unknown',
      text: 'Status unknown',
    })
  })
})

describe('connectionsBySource', () => {
  it("should key the connections by their source's connection id, leaving deleted ones out", () => {
    const kept = connection('epic-sandbox', 'EXPIRED')
    const bySource = connectionsBySource([kept, connection('cerner-sandbox', 'DELETED')])
    expect([...bySource]).toEqual([['epic-sandbox', kept]])
  })
})

describe('resultControl', () => {
  const connected = { state: 'connected', text: 'Connected' } as const
  const attention = { state: 'attention', text: 'Needs attention (expired)' } as const
  const unknown = { state: 'unknown', text: 'Status unknown' } as const

  it('should offer Connect for a source without a connection, and Reconnect for one needing attention', () => {
    expect(resultControl(undefined, null)).toBe('connect')
    expect(resultControl(attention, null)).toBe('reconnect')
    expect(resultControl(attention, 'connect')).toBe('reconnect')
  })

  it('should offer no second connection for a connected source, unless its control was just used', () => {
    expect(resultControl(connected, null)).toBeNull()
    expect(resultControl(unknown, null)).toBeNull()
    expect(resultControl(connected, 'connect')).toBe('connect')
    expect(resultControl(connected, 'reconnect')).toBe('reconnect')
  })
})
