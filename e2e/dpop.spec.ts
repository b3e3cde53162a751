import { expect, origins, patientField, signIn, test, type User } from './fixtures.ts'

/** The user only this spec signs in as, so the fault it arms reaches no other test. */
const dana: User = {
  username: 'dana.ito',
  password: 'dana-password',
  name: 'Dana Ito',
  birthDate: '1981-03-09',
  identifier: 'DANA-1004',
}

interface Seen {
  readonly status: number
  readonly grant: string | null
  readonly authorization: string | undefined
  readonly dpop: string | undefined
}

test('[DPoP] signs in with DPoP, reads FHIR with proofs, refreshes with the same key, and the bare token is refused', async ({
  page,
  context,
  faults,
  request,
}) => {
  const token: Seen[] = []
  const fhir: Seen[] = []
  context.on('response', async (response) => {
    const sent = response.request()
    if (sent.method() === 'OPTIONS') return
    const headers = await sent.allHeaders()
    const seen = {
      status: response.status(),
      grant: new URLSearchParams(sent.postData() ?? '').get('grant_type'),
      authorization: headers.authorization,
      dpop: headers.dpop,
    }
    if (response.url() === `${origins.medblocks}/oauth2/token`) token.push(seen)
    if (response.url() === `${origins.medblocks}/fhir/Patient`) fhir.push(seen)
  })
  // A 5 s access token is inside the client's 60 s refresh margin: it refreshes before using it.
  await faults.add({ kind: 'shortTokenLifetime', match: { username: dana.username }, seconds: 5 })
  await signIn(page, dana, { dpop: 'on' })
  await expect(page.getByText('DPoP is on: FHIR requests carry a proof.')).toBeVisible()
  await expect(patientField(page, 'Name')).toHaveText(dana.name)

  // The code exchange and the refresh carry proofs; the server's nonce cost one retry.
  expect(token.every((t) => t.dpop !== undefined)).toBe(true)
  expect(token.filter((t) => t.grant === 'authorization_code').map((t) => t.status)).toEqual([
    400, 200,
  ])
  expect(token.some((t) => t.grant === 'refresh_token' && t.status === 200)).toBe(true)
  // FHIR gets `Authorization: DPoP` and a proof, never a bearer token; its own nonce costs one retry.
  expect(fhir.map((f) => f.status)).toEqual([401, 200])
  expect(fhir.every((f) => f.authorization?.startsWith('DPoP ') && f.dpop)).toBe(true)

  // The key pair sits in IndexedDB as CryptoKeys, the private one not extractable.
  const stored = await page.evaluate(
    () =>
      new Promise<{ extractable: boolean; type: string; exported: boolean }>((resolve, reject) => {
        const open = indexedDB.open('oauth-connect:dpop')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const get = open.result.transaction('keys').objectStore('keys').get('current')
          get.onerror = () => reject(get.error)
          get.onsuccess = async () => {
            const { privateKey } = (get.result as { keys: CryptoKeyPair }).keys
            const exported = await crypto.subtle.exportKey('jwk', privateKey).then(
              () => true,
              () => false,
            )
            open.result.close()
            resolve({ extractable: privateKey.extractable, type: privateKey.type, exported })
          }
        }
      }),
  )
  expect(stored).toEqual({ extractable: false, type: 'private', exported: false })

  // The access token on its own, replayed from outside the browser, is refused.
  const last = fhir.at(-1)
  const accessToken = last?.authorization?.slice('DPoP '.length) ?? ''
  const asBearer = await request.get(`${origins.medblocks}/fhir/Patient`, {
    headers: { authorization: `Bearer ${accessToken}` },
  })
  expect(asBearer.status()).toBe(401)
  expect(asBearer.headers()['www-authenticate']).toContain('error="invalid_token"')
  const withOldProof = await request.get(`${origins.medblocks}/fhir/Patient`, {
    headers: { authorization: `DPoP ${accessToken}`, dpop: last?.dpop ?? '' },
  })
  expect(withOldProof.status()).toBe(401)
  expect(withOldProof.headers()['www-authenticate']).toContain('error="invalid_dpop_proof"')
})
