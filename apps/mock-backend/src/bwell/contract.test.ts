import {
  buildClientSchema,
  buildSchema,
  type GraphQLNamedType,
  type GraphQLSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockForTests, startMockForTests } from '../testing.ts'
import { bwellContractSdl as subsetSdl } from './contract.ts'
import { gql } from './testHelpers.ts'

const subset = buildSchema(subsetSdl)

/** The members the served schema lacks or types differently, as `describeType` lines. */
function differences(reference: GraphQLSchema, actual: GraphQLSchema): string[] {
  const out: string[] = []
  for (const type of namedTypes(reference)) {
    const mine = actual.getType(type.name)
    if (!mine) {
      out.push(`missing type ${type.name}`)
      continue
    }
    if (kindOf(mine) !== kindOf(type))
      out.push(`${type.name} is ${kindOf(mine)}, not ${kindOf(type)}`)
    const have = new Set(describeType(mine))
    const want = new Set(describeType(type))
    for (const line of want) if (!have.has(line)) out.push(`missing ${line}`)
    for (const line of have) if (!want.has(line)) out.push(`extra ${line}`)
  }
  return out
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return 'OBJECT'
  if (isInputObjectType(type)) return 'INPUT_OBJECT'
  if (isEnumType(type)) return 'ENUM'
  if (isScalarType(type)) return 'SCALAR'
  if (isInterfaceType(type)) return 'INTERFACE'
  if (isUnionType(type)) return 'UNION'
  return 'UNKNOWN'
}

/**
 * Every member of a named type as `Type.member(arg: T): T` lines: object fields with their
 * arguments, input fields, enum values.
 */
function describeType(type: GraphQLNamedType): string[] {
  if (isObjectType(type) || isInterfaceType(type)) {
    return Object.values(type.getFields()).flatMap((field) => [
      `${type.name}.${field.name}: ${String(field.type)}`,
      ...field.args.map((arg) => `${type.name}.${field.name}(${arg.name}: ${String(arg.type)})`),
    ])
  }
  if (isInputObjectType(type)) {
    return Object.values(type.getFields()).map((f) => `${type.name}.${f.name}: ${String(f.type)}`)
  }
  if (isEnumType(type)) return type.getValues().map((v) => `${type.name}.${v.name}`)
  return []
}

function namedTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__'))
}

describe('b.well contract', () => {
  let mock: MockForTests
  let served: GraphQLSchema
  beforeAll(async () => {
    mock = await startMockForTests()
    // Introspection needs no session, as on any GraphQL server that leaves it on.
    const res = await gql(mock.graphqlEndpoint, getIntrospectionQuery())
    expect(res.body.errors).toBeUndefined()
    served = buildClientSchema(res.body.data as IntrospectionQuery)
  })
  afterAll(async () => {
    await mock.close()
  })

  it('should serve every type of the subset with the same kind', () => {
    const subsetTypes = namedTypes(subset)
    expect(subsetTypes.length).toBeGreaterThan(60)
    for (const type of subsetTypes) {
      const mine = served.getType(type.name)
      expect(mine, type.name).toBeDefined()
      if (mine) expect(`${type.name} ${kindOf(mine)}`).toBe(`${type.name} ${kindOf(type)}`)
    }
  })

  it('should serve every field, argument, input field and enum value with identical types', () => {
    expect(differences(subset, served)).toEqual([])
  })

  it('should notice a changed argument type, a missing enum value and a missing field', () => {
    const changed = buildSchema(
      subsetSdl
        .replace('getOauthUrl(connectionId: String!)', 'getOauthUrl(connectionId: String)')
        .replace(/\n {2}ACCESS_ENDED\n/, '\n')
        .replace(
          '  integrationType: String\n  name: String!\n  type: DataConnectionType!\n}',
          '  name: String!\n  type: DataConnectionType!\n}',
        ),
    )
    expect(differences(subset, changed).sort()).toEqual(
      [
        'missing DataConnectionStatus.ACCESS_ENDED',
        'missing DataSource.integrationType: String',
        'missing Query.getOauthUrl(connectionId: String!)',
        'extra Query.getOauthUrl(connectionId: String)',
      ].sort(),
    )
  })

  it('should serve nothing outside the subset: no invented operation or type is left', () => {
    const subsetNames = new Set(namedTypes(subset).map((t) => t.name))
    expect(
      namedTypes(served)
        .map((t) => t.name)
        .filter((n) => !subsetNames.has(n)),
    ).toEqual([])
    expect(served.getSubscriptionType()).toBeFalsy()
  })

  it('should validate the query and mutation of every root field the connect flow uses', () => {
    const query = served.getQueryType()?.getFields() ?? {}
    expect(Object.keys(query).sort()).toEqual(
      [
        'getDataSource',
        'getMemberConnections',
        'getOauthUrl',
        'getToken',
        'initSdk',
        'login',
        'refresh',
        'searchHealthResources',
        'subscriptions',
      ].sort(),
    )
    expect(String(query.getOauthUrl?.type)).toBe('GenerateUrl!')
    expect(query.getOauthUrl?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      'connectionId: String!',
    ])
  })
})
