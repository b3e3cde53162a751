import { useId } from 'react'
import { withDpop } from './dpopSetting.ts'

/**
 * The demo's DPoP switch. The login client is made once per page with its key, so turning it on
 * or off loads the page again (signed out, unless the tokens are in sessionStorage).
 */
export function DpopSwitch({ on }: { readonly on: boolean }) {
  const id = useId()
  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>Sender-constrained tokens</h2>
      <p className="explain" id={`${id}-hint`}>
        With DPoP (RFC 9449) the tokens are bound to a key that never leaves this browser: a copied
        access token is refused without the key&apos;s proof.
      </p>
      <label className="field">
        <input
          type="checkbox"
          checked={on}
          aria-describedby={`${id}-hint`}
          onChange={(event) =>
            location.assign(withDpop(location.pathname, location.search, event.target.checked))
          }
        />{' '}
        Use DPoP for sign-in and FHIR
      </label>
      <p className="explain" role="status">
        {on ? 'DPoP is on: FHIR requests carry a proof.' : 'DPoP is off: bearer tokens.'}
      </p>
    </section>
  )
}
