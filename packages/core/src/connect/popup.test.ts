import { afterEach, describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { openPopup } from './popup.ts'
import { fakePopup, trackConnectEnv } from './testing.ts'

let env: ReturnType<typeof trackConnectEnv> | undefined

afterEach(() => {
  env?.restore()
})

describe('openPopup', () => {
  it('should open a blank, named, sized window', () => {
    const popup = fakePopup()
    const calls: string[][] = []
    env = trackConnectEnv({
      open: (...args) => {
        calls.push(args)
        return popup.window
      },
    })
    const handle = openPopup({ message: 'Connecting to <img src=x onerror=alert(1)>…' })
    expect(calls).toEqual([['', 'oauth-connect', 'width=500,height=600,scrollbars=yes']])
    expect(popup.text()).toBe('Connecting to <img src=x onerror=alert(1)>…')
    expect(handle?.readLocation()).toBe('about:blank')
    handle?.navigate('https://provider.example/a')
    expect(handle?.readLocation()).toBeUndefined()
    expect(handle?.isClosed()).toBe(false)
    handle?.focus()
    handle?.close()
    expect(handle?.isClosed()).toBe(true)
    expect(popup.focusCalls).toBe(1)
  })

  it('[SEC-20] should refuse to navigate to a script URL', () => {
    const popup = fakePopup()
    env = trackConnectEnv({ open: () => popup.window })
    const handle = openPopup()
    expect(() => handle?.navigate('javascript:alert(1)')).toThrow(InvalidArgumentError)
    expect(popup.navigations).toEqual([])
  })

  it('[SEC-16] should report a blocked popup', () => {
    env = trackConnectEnv({ open: () => null })
    expect(openPopup()).toBeUndefined()
  })
})
