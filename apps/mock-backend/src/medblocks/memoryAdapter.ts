import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider'

interface Entry {
  payload: AdapterPayload
  expiresAt: number | undefined
}

/**
 * oidc-provider storage in plain Maps, one set per server, so two backends in one process (as
 * in the tests) never see each other's sessions, codes or refresh tokens. Everything is lost on
 * restart, which is what a local stand-in wants.
 */
export function memoryAdapter(now: () => number = Date.now): AdapterFactory {
  const entries = new Map<string, Entry>()
  const byGrant = new Map<string, Set<string>>()
  const byUid = new Map<string, string>()
  const byUserCode = new Map<string, string>()

  const read = (key: string | undefined): AdapterPayload | undefined => {
    if (key === undefined) return undefined
    const entry = entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt !== undefined && now() >= entry.expiresAt) {
      entries.delete(key)
      return undefined
    }
    return entry.payload
  }

  return (name: string): Adapter => {
    const keyOf = (id: string) => `${name}:${id}`
    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id)
        entries.set(key, {
          payload,
          expiresAt: expiresIn === undefined ? undefined : now() + expiresIn * 1000,
        })
        if (payload.grantId) {
          const keys = byGrant.get(payload.grantId) ?? new Set<string>()
          keys.add(key)
          byGrant.set(payload.grantId, keys)
        }
        if (payload.uid) byUid.set(payload.uid, key)
        if (payload.userCode) byUserCode.set(payload.userCode, key)
      },
      async find(id) {
        return read(keyOf(id))
      },
      async findByUid(uid) {
        return read(byUid.get(uid))
      },
      async findByUserCode(userCode) {
        return read(byUserCode.get(userCode))
      },
      async consume(id) {
        const payload = read(keyOf(id))
        if (payload) payload.consumed = Math.floor(now() / 1000)
      },
      async destroy(id) {
        entries.delete(keyOf(id))
      },
      async revokeByGrantId(grantId) {
        for (const key of byGrant.get(grantId) ?? []) entries.delete(key)
        byGrant.delete(grantId)
      },
    }
  }
}
