import { broadcastChannel, pollChannel } from '@oauth-connect/core/connect'
import { describe, expect, it } from 'vitest'
import { modeOptions } from './connect.ts'

describe('modeOptions', () => {
  it('should race only the channels each mode names, with the registered callback URL only where b.well returns to it', () => {
    expect(modeOptions('hosted')).toEqual({ mode: 'popup', channels: ['message', 'closed'] })
    expect(modeOptions('poll')).toEqual({
      mode: 'popup',
      channels: [pollChannel, 'closed'],
      callbackUrl: '/connect/callback',
    })
    expect(modeOptions('broadcast')).toEqual({
      mode: 'popup',
      channels: [broadcastChannel, 'closed'],
      callbackUrl: '/connect/callback',
    })
    expect(modeOptions('redirect')).toEqual({ mode: 'redirect', callbackUrl: '/connect/callback' })
    expect(modeOptions('auto')).toEqual({
      mode: 'auto',
      channels: ['message', broadcastChannel, pollChannel, 'closed'],
      callbackUrl: '/connect/callback',
    })
  })
})
