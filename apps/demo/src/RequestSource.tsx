import { useRequestConnection } from '@oauth-connect/react/bwell'
import { useId, useState } from 'react'
import { errorText } from './errorText.ts'

/**
 * "Can't find it?": asks b.well to add a data source the search did not find
 * (`requestConnection`), and shows b.well's answer.
 */
export function RequestSource() {
  const id = useId()
  const [open, setOpen] = useState(false)
  const request = useRequestConnection()
  const answer = request.data
    ?.map((issue) => issue.details)
    .filter(Boolean)
    .join(' ')
  return (
    <div className="request-source">
      <button
        type="button"
        className="secondary"
        aria-expanded={open}
        aria-controls={`${id}-form`}
        onClick={() => setOpen(!open)}
      >
        Can't find your provider?
      </button>
      {open && (
        <form
          id={`${id}-form`}
          aria-labelledby={`${id}-title`}
          onSubmit={(event) => {
            event.preventDefault()
            const data = new FormData(event.currentTarget)
            const text = (name: string) => String(data.get(name) ?? '').trim() || null
            request.mutate({
              institution: text('institution'),
              provider: text('provider'),
              city: text('city'),
              state: text('state'),
            })
          }}
        >
          <p id={`${id}-title`} className="hint">
            Ask b.well to add a data source. Name the institution or the provider.
          </p>
          {(
            [
              ['institution', 'Institution'],
              ['provider', 'Provider'],
              ['city', 'City'],
              ['state', 'State'],
            ] as const
          ).map(([name, label]) => (
            <div className="field" key={name}>
              <label htmlFor={`${id}-${name}`}>{label}</label>
              <input id={`${id}-${name}`} name={name} type="text" />
            </div>
          ))}
          <button type="submit" disabled={request.isPending}>
            Send the request
          </button>
          <div role="status">
            {request.isSuccess && `b.well answered: ${answer || 'received.'}`}
          </div>
          <div role="alert">
            {request.isError && `The request failed: ${errorText(request.error)}`}
          </div>
        </form>
      )}
    </div>
  )
}
