import { createGraphQLError } from 'graphql-yoga'

/** The HTTP-like codes b.well puts in `extensions.code`, with their OperationOutcome issue code. */
export const outcomeCodes = {
  '400': 'value',
  '401': 'security',
  '403': 'forbidden',
  '404': 'not-found',
  '500': 'exception',
  '504': 'timeout',
} as const
/** One of the codes of {@link outcomeCodes}. */
export type BwellErrorCode = keyof typeof outcomeCodes

/** A FHIR OperationOutcome with one error issue, as b.well puts it in `extensions.resource`. */
export function operationOutcome(code: BwellErrorCode, text: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: outcomeCodes[code], details: { text } }],
  }
}

/** The `extensions` of a b.well error. */
export function bwellExtensions(code: BwellErrorCode, text: string) {
  return { code, resource: operationOutcome(code, text) }
}

/**
 * A GraphQL error in b.well's shape: `message`, `extensions.code` and an OperationOutcome in
 * `extensions.resource`. Built with graphql-yoga's own GraphQLError so masking leaves it alone.
 */
export function bwellError(code: BwellErrorCode, text: string) {
  return createGraphQLError(text, { extensions: bwellExtensions(code, text) })
}

/** Narrows `extensions.code` to a b.well code. */
export function isBwellErrorCode(value: unknown): value is BwellErrorCode {
  return typeof value === 'string' && Object.hasOwn(outcomeCodes, value)
}
