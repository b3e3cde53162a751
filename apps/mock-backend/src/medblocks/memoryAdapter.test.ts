import { describe, expect, it } from 'vitest'
import { memoryAdapter } from './memoryAdapter.ts'

describe('memoryAdapter', () => {
  it('should expire entries, find by uid, consume, and revoke a whole grant', async () => {
    let now = 1_000_000
    const factory = memoryAdapter(() => now)
    const sessions = factory('Session')
    const tokens = factory('RefreshToken')
    await sessions.upsert('s1', { uid: 'u1' }, 10)
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1' })
    await tokens.upsert('r1', { grantId: 'g1' }, 100)
    await tokens.upsert('r2', { grantId: 'g1' }, 100)
    await tokens.upsert('r3', { grantId: 'g2' }, 100)
    await tokens.consume('r3')
    expect((await tokens.find('r3'))?.consumed).toBe(1000)
    await tokens.revokeByGrantId('g1')
    expect(await tokens.find('r1')).toBeUndefined()
    expect(await tokens.find('r2')).toBeUndefined()
    expect(await tokens.find('r3')).toBeDefined()
    now += 10_000
    expect(await sessions.find('s1')).toBeUndefined()
    // Models are kept apart by name.
    expect(await factory('AccessToken').find('r3')).toBeUndefined()
  })
})
