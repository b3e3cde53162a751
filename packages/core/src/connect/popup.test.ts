import { fakePopup, trackConnectEnv } from '@oauth-connect/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { openPopup } from './popup.ts'

let env: ReturnType<typeof trackConnectEnv> | undefined

afterEach(() => {
  env?.restore()
})

describe('openPopup', () => {
  it('should open a blank, sized window, a new one unless named', () => {
    const popup = fakePopup()
    const calls: string[][] = []
    env = trackConnectEnv({
      open: (...args) => {
        calls.push(args)
        return popup.window
      },
    })
    const handle = openPopup({ message: 'Connecting to <img src=x onerror=alert(1)>…' })
    openPopup({ name: 'mine' })
    expect(calls).toEqual([
      ['', '_blank', 'width=500,height=600,scrollbars=yes'],
      ['', 'mine', 'width=500,height=600,scrollbars=yes'],
    ])
    expect(popup.text()).toBe('Connecting to <img src=x onerror=alert(1)>…')
    handle?.navigate('https://provider.example/a')
    expect(popup.navigations).toEqual(['https://provider.example/a'])
    expect(handle?.isClosed()).toBe(false)
    handle?.focus()
    handle?.close()
    expect(handle?.isClosed()).toBe(true)
    expect(popup.focusCalls).toBe(1)
  })

  it('[SEC-20] should refuse to navigate to a script URL or plain http off loopback', () => {
    const popup = fakePopup()
    env = trackConnectEnv({ open: () => popup.window })
    const handle = openPopup()
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'http://provider.example/']) {
      expect(() => handle?.navigate(url)).toThrow(InvalidArgumentError)
    }
    expect(popup.navigations).toEqual([])
  })

  it('[SEC-16] should report a blocked popup', () => {
    env = trackConnectEnv({ open: () => null })
    expect(openPopup()).toBeUndefined()
  })
})
