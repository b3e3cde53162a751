// @vitest-environment node
import { parse, validate } from 'graphql'
import { describe, expect, it } from 'vitest'
import { bwellDocuments } from './documents.ts'
import { bwellSchema } from './test/stubServer.ts'

describe('bwellDocuments', () => {
  it.each(Object.entries(bwellDocuments))(
    "should validate %s against b.well's connect-flow schema",
    (operation, document) => {
      const parsed = parse(document)
      expect(validate(bwellSchema, parsed).map((error) => error.message)).toEqual([])
      const [definition] = parsed.definitions
      const field =
        definition?.kind === 'OperationDefinition' ? definition.selectionSet.selections : []
      expect(field.map((f) => (f.kind === 'Field' ? f.name.value : f.kind))).toEqual([operation])
    },
  )
})
