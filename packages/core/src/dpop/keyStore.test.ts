import { afterEach, describe, expect, it, vi } from 'vitest'
import { generateDPoPKeyPair } from './dpop.ts'
import { defaultKeyStore, indexedDbKeyStore, memoryKeyStore } from './keyStore.ts'

afterEach(() => {
  vi.unstubAllGlobals()
})

/** An `indexedDB` whose `open` fails the way a locked-down browser's does. */
function refusingIndexedDb() {
  return {
    open() {
      const request = {
        error: new DOMException('storage refused', 'SecurityError'),
        onerror: null as null | (() => void),
      }
      queueMicrotask(() => request.onerror?.())
      return request
    },
  }
}

describe('DPoP key stores', () => {
  it('[DPoP] the memory store keeps nothing: a new page gets no key', async () => {
    const store = memoryKeyStore()
    await store.save({ keys: await generateDPoPKeyPair(), bound: false })
    expect(await store.load()).toBeUndefined()
  })

  it('[DPoP] uses IndexedDB by default where it exists, and memory where it does not', async () => {
    const idb = refusingIndexedDb()
    const open = vi.spyOn(idb, 'open')
    vi.stubGlobal('indexedDB', idb)
    await defaultKeyStore().load()
    expect(open).toHaveBeenCalledWith('oauth-connect:dpop', 1)
    vi.stubGlobal('indexedDB', undefined)
    await defaultKeyStore().save({ keys: await generateDPoPKeyPair(), bound: false })
    expect(open).toHaveBeenCalledTimes(1)
  })

  it('[DPoP] an IndexedDB that refuses loads nothing and saves without throwing', async () => {
    vi.stubGlobal('indexedDB', refusingIndexedDb())
    const store = indexedDbKeyStore()
    await expect(store.load()).resolves.toBeUndefined()
    await expect(
      store.save({ keys: await generateDPoPKeyPair(), bound: true }),
    ).resolves.toBeUndefined()
  })
})
