import { describe, expect, it } from 'vitest'
import { summarizePatient } from './patient.ts'

describe('summarizePatient', () => {
  it('should read the official name, birth date and first identifier', () => {
    expect(
      summarizePatient({
        resourceType: 'Bundle',
        entry: [
          {
            resource: {
              resourceType: 'Patient',
              name: [
                { use: 'usual', text: 'Amy' },
                { use: 'official', given: ['Amy', 'V.'], family: 'Shaw' },
              ],
              birthDate: '1987-02-20',
              identifier: [{ system: 'http://hospital.example.org/mrn', value: 'AMY-1001' }],
            },
          },
        ],
      }),
    ).toEqual({
      name: 'Amy V. Shaw',
      birthDate: '1987-02-20',
      identifier: 'AMY-1001 (http://hospital.example.org/mrn)',
    })
  })

  it('should return undefined for a Bundle without a Patient', () => {
    expect(summarizePatient({ resourceType: 'Bundle', entry: [] })).toBeUndefined()
  })

  it('should not trust field types', () => {
    expect(
      summarizePatient({
        resourceType: 'Bundle',
        entry: [{ resource: { resourceType: 'Patient', name: 'x', birthDate: 3, identifier: {} } }],
      }),
    ).toEqual({ name: 'Unnamed patient', birthDate: 'Unknown', identifier: 'None' })
  })
})
