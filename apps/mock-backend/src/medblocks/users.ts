import { findByCredentials } from '../http.ts'

/** A seeded Medblocks-style user with the FHIR Patient they own. */
export interface SeededUser {
  username: string
  password: string
  name: string
  patient: {
    resourceType: 'Patient'
    id: string
    identifier: { system: string; value: string }[]
    name: { use: string; family: string; given: string[]; text: string }[]
    gender: string
    birthDate: string
  }
}

const mrnSystem = 'http://hospital.example.org/mrn'

/** The users of the login page. Passwords are fixed because this is a local stand-in. */
export const seededUsers: readonly SeededUser[] = [
  {
    username: 'amy.shaw',
    password: 'amy-password',
    name: 'Amy V. Shaw',
    patient: {
      resourceType: 'Patient',
      id: 'amy-shaw',
      identifier: [{ system: mrnSystem, value: 'AMY-1001' }],
      name: [{ use: 'official', family: 'Shaw', given: ['Amy', 'V.'], text: 'Amy V. Shaw' }],
      gender: 'female',
      birthDate: '1987-02-20',
    },
  },
  {
    username: 'james.chalmers',
    password: 'james-password',
    name: 'James Chalmers',
    patient: {
      resourceType: 'Patient',
      id: 'james-chalmers',
      identifier: [{ system: mrnSystem, value: 'JAMES-1002' }],
      name: [{ use: 'official', family: 'Chalmers', given: ['James'], text: 'James Chalmers' }],
      gender: 'male',
      birthDate: '1974-12-25',
    },
  },
  {
    // Used only by the demo's b.well end-to-end tests, whose faults match this user.
    username: 'casey.lin',
    password: 'casey-password',
    name: 'Casey Lin',
    patient: {
      resourceType: 'Patient',
      id: 'casey-lin',
      identifier: [{ system: mrnSystem, value: 'CASEY-1003' }],
      name: [{ use: 'official', family: 'Lin', given: ['Casey'], text: 'Casey Lin' }],
      gender: 'other',
      birthDate: '1992-06-14',
    },
  },
  {
    // Used only by the demo's DPoP end-to-end test (e2e/dpop.spec.ts), whose faults match this user.
    username: 'dana.ito',
    password: 'dana-password',
    name: 'Dana Ito',
    patient: {
      resourceType: 'Patient',
      id: 'dana-ito',
      identifier: [{ system: mrnSystem, value: 'DANA-1004' }],
      name: [{ use: 'official', family: 'Ito', given: ['Dana'], text: 'Dana Ito' }],
      gender: 'female',
      birthDate: '1981-03-09',
    },
  },
]

/** Looks a user up by username (the account id and the token's `sub`). */
export function findUser(username: string): SeededUser | undefined {
  return seededUsers.find((u) => u.username === username)
}

/**
 * Checks a username and password in constant time (see {@link findByCredentials}).
 * @returns the user, or `undefined` for wrong credentials
 */
export function authenticate(username: string, password: string): SeededUser | undefined {
  return findByCredentials(
    seededUsers,
    (u) => ({ id: u.username, secret: u.password }),
    username,
    password,
  )
}
