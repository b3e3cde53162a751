import { describe, expect, it } from 'vitest'
import { modeOptions } from './connect.ts'

describe('modeOptions', () => {
  it('should race only the channels each mode names, with the registered callback URL only where b.well returns to it', () => {
    expect(modeOptions('hosted')).toEqual({ mode: 'popup', channels: ['message', 'closed'] })
    expect(modeOptions('poll')).toEqual({
      mode: 'popup',
      channels: ['poll', 'closed'],
      callbackUrl: '/connect/callback',
    })
    expect(modeOptions('broadcast')).toEqual({
      mode: 'popup',
      channels: ['broadcast', 'closed'],
      callbackUrl: '/connect/callback',
    })
    expect(modeOptions('redirect')).toEqual({ mode: 'redirect', callbackUrl: '/connect/callback' })
    expect(modeOptions('auto')).toEqual({ mode: 'auto', callbackUrl: '/connect/callback' })
  })
})
