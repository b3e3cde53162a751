import { beforeEach, describe, expect, it } from 'vitest'
import { ConnectionList, provisionalKey } from './connections.ts'

describe('ConnectionList', () => {
  beforeEach(() => sessionStorage.clear())

  it('should keep entries in sessionStorage for the next page of the tab', () => {
    const list = new ConnectionList()
    list.ensure('riverside', 'Riverside Medical Center')
    list.setConnectionId('riverside', 'conn_1')
    list.setOutcome('riverside', { status: 'success', channel: 'redirect' })
    const next = new ConnectionList()
    expect(next.getSnapshot()).toEqual([
      {
        providerId: 'riverside',
        providerName: 'Riverside Medical Center',
        connectionId: 'conn_1',
        lastOutcome: { status: 'success', channel: 'redirect' },
      },
    ])
  })

  it('should find an entry by connection id or provisional key', () => {
    const list = new ConnectionList()
    list.ensure('a', 'A')
    list.ensure('b', 'B')
    list.setConnectionId('b', 'conn_b')
    expect(list.findByKey(provisionalKey('a'))?.providerId).toBe('a')
    expect(list.findByKey('conn_b')?.providerId).toBe('b')
    expect(list.findByKey('conn_x')).toBeUndefined()
  })

  it('should drop stored entries of the wrong shape', () => {
    sessionStorage.setItem(
      'oauth-connect-demo:connections',
      JSON.stringify([{ providerId: 1 }, { providerId: 'ok', providerName: 'Ok' }, 'x']),
    )
    expect(new ConnectionList().getSnapshot()).toEqual([{ providerId: 'ok', providerName: 'Ok' }])
    sessionStorage.setItem('oauth-connect-demo:connections', '{')
    expect(new ConnectionList().getSnapshot()).toEqual([])
  })
})
