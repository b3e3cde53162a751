// Result and input types of the b.well connect-flow operations, named as in b.well's schema.

/**
 * An enum value as b.well sent it: one of the known values, or a newer one kept as a string.
 * Compare it with the known literals (`status === 'CONNECTED'`); an unknown value is never
 * rejected or rewritten, so an app can show it and b.well can add values without breaking it.
 */
export type Open<Known extends string> = Known | (string & {})

/** `SearchResultTypeEnum`. */
export type SearchResultType = 'INSURANCE' | 'LABORATORY' | 'PHARMACY' | 'PRACTICE' | 'PRACTITIONER'
/** `ConnectionCategory`: `OAUTH` goes through `getOauthUrl`, `BASIC` through `createConnection`. */
export type ConnectionCategory = 'BASIC' | 'IDENTITY' | 'OAUTH'
/** `DataConnectionType`. */
export type DataConnectionType = 'CLINICAL' | 'INSURANCE' | 'LAB' | 'PHARMACY' | 'PRACTITIONER'
/** `DataConnectionStatus`. */
export type DataConnectionStatus =
  | 'ACCESS_ENDED'
  | 'CONNECTED'
  | 'DELETED'
  | 'DISCONNECTED'
  | 'ERROR'
  | 'EXPIRED'
/** `SyncStatus`: a fresh connection goes `PENDING` → `RETRIEVING` → `RETRIEVED`. */
export type SyncStatus =
  | 'DATA_DELETED'
  | 'DELETING'
  | 'ERROR'
  | 'PENDING'
  | 'RETRIEVED'
  | 'RETRIEVING'
/** `SearchContextEnum`. */
export type SearchContext = 'DATA_CONNECTIONS' | 'FIND_CARE'
/** `GenderEnum`. */
export type Gender = 'FEMALE' | 'MALE' | 'OTHER' | 'UNKNOWN'

/** `InputCoding` / `ProviderCoding`. */
export interface Coding {
  readonly code?: string | null
  readonly display?: string | null
  readonly system?: string | null
}

/** `SearchHealthResourcesInput`, every field optional as in b.well's schema. */
export interface SearchHealthResourcesInput {
  /** Free text. */
  readonly search?: string | null
  /** Pages count from 0; b.well allows `pageSize` 1 to 100. */
  readonly paging?: {
    readonly pageNumber?: number | null
    readonly pageSize?: number | null
  } | null
  readonly filters?: {
    readonly type?: readonly SearchResultType[] | null
    readonly id?: readonly string[] | null
    readonly specialty?: readonly Coding[] | null
    readonly communication?: readonly Coding[] | null
    readonly gender?: Gender | null
    readonly includeInactive?: boolean | null
    /** Only sources that can be connected. */
    readonly includePopulatedProaOnly?: boolean | null
    readonly patientAcceptance?: readonly ('EXISTING_PATIENTS' | 'NEW_PATIENTS')[] | null
  } | null
  readonly searchLocation?: {
    readonly lat: number
    readonly lon: number
    readonly radius?: number | null
    readonly radiusUnit?: 'KILOMETERS' | 'METERS' | 'MILES' | null
    readonly zipCode?: string | null
  } | null
  readonly orderBy?:
    | readonly {
        readonly field?:
          | 'CONTENT'
          | 'DATA_SOURCE_RANK'
          | 'DISTANCE'
          | 'NEXT_AVAILABLE'
          | 'ONLINE_BOOKING_AVAILABLE'
          | 'RELEVANCE'
          | null
        readonly order?: 'ASC' | 'DESC' | null
      }[]
    | null
  /** `DATA_CONNECTIONS` narrows the search to connectable sources. */
  readonly searchContext?: SearchContext | null
}

/** `ProviderLocation` (the fields the client selects). */
export interface ProviderLocation {
  readonly name: string | null
  readonly address: {
    readonly line: readonly (string | null)[] | null
    readonly city: string | null
    readonly state: string | null
    readonly postalCode: string | null
    readonly country: string | null
  } | null
  readonly distanceInMiles: number | null
}

/** `HealthResourceSearchResult`: every field may be null, as in b.well's schema. */
export interface HealthResource {
  readonly id: string | null
  readonly type: Open<SearchResultType> | null
  /** The display name. */
  readonly content: string | null
  /** `endpoint[].name`; the first is the connection id. */
  readonly endpoint: readonly ({ readonly name: string | null } | null)[] | null
  readonly location: readonly (ProviderLocation | null)[] | null
  readonly organization: readonly ({ readonly name: string | null } | null)[] | null
  readonly specialty:
    | readonly ({
        readonly code: string | null
        readonly display: string | null
        readonly system: string | null
      } | null)[]
    | null
  readonly npi: readonly (string | null)[] | null
  /**
   * `endpoint[0].name`, the id to pass to `getDataSource`, `getOauthUrl` and `createConnection`;
   * `null` when the result cannot be connected. Derived by the client, not sent by b.well.
   */
  readonly connectionId: string | null
}

/** `PagingInfoType`. */
export interface PagingInfo {
  readonly pageNumber: number
  readonly pageSize: number
  readonly totalItems: number
  readonly totalPages: number
}

/** `SearchHealthResourcesResults`. */
export interface SearchHealthResourcesResults {
  readonly results: readonly (HealthResource | null)[] | null
  readonly pagingInfo: PagingInfo | null
  readonly filterValues:
    | readonly ({
        readonly field: Open<'CHARACTERISTIC' | 'COMMUNICATION' | 'GENDER' | 'SPECIALTY'> | null
        readonly values:
          | readonly ({ readonly value: string | null; readonly count: number | null } | null)[]
          | null
      } | null)[]
    | null
}

/** `DataSource`. */
export interface DataSource {
  readonly id: string
  readonly name: string
  readonly category: Open<ConnectionCategory>
  readonly type: Open<DataConnectionType>
  readonly integrationType: string | null
}

/** `SyncErrorCodeableConcept`. */
export interface SyncError {
  readonly id: string | null
  readonly text: string | null
  readonly coding: readonly (Coding | null)[] | null
}

/** `Connection`: a member connection, with its two statuses. */
export interface Connection {
  /** The data source's slug, the same as its connection id. */
  readonly id: string
  readonly name: string
  readonly category: Open<ConnectionCategory>
  readonly type: Open<DataConnectionType>
  readonly status: Open<DataConnectionStatus> | null
  readonly syncStatus: Open<SyncStatus> | null
  readonly statusUpdated: string | null
  readonly lastSynced: string | null
  readonly created: string
  readonly integrationType: string | null
  readonly syncErrors: readonly SyncError[] | null
}

/** `DisconnectConnection` and `ConnectionStatusUpdate`. */
export interface ConnectionStatusUpdate {
  readonly status: Open<DataConnectionStatus> | null
  readonly statusUpdated: string
}

/** Filters of `getMemberConnections`; each list matches any of its values. */
export interface MemberConnectionsFilter {
  readonly integrationType?: readonly string[] | null
  readonly status?: readonly string[] | null
  readonly syncStatus?: readonly string[] | null
}

/** Arguments of `requestConnection`, asking b.well to add a source the search did not find. */
export interface RequestConnectionInput {
  readonly city?: string | null
  readonly institution?: string | null
  readonly provider?: string | null
  readonly state?: string | null
}

/** A FHIR `OperationOutcome` issue, as b.well puts them in `extensions.resource` and `requestConnection`. */
export interface OperationOutcomeIssue {
  /** `value`, `security`, `forbidden`, `not-found`, `exception`, `timeout`, … */
  readonly code: string | null
  readonly severity: string | null
  /** `details.text`. */
  readonly details: string | null
}

/** `SdkConfiguration`, as `initSdk` returns it. */
export interface SdkConfiguration {
  readonly apiUrl: string
  readonly authUrl: string
  readonly logLevel: Open<'DEBUG' | 'ERROR' | 'INFO' | 'VERBOSE' | 'WARN'> | null
  readonly telemetry: { readonly enabled: boolean | null; readonly collectorUrl: string }
  readonly requestTimeout: number | null
}
