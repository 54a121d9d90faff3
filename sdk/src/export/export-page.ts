/** One item of an export: a protocol document the member authored (a poll, a stance, a transfer…). */
export type ExportItem = Readonly<Record<string, unknown>>

/**
 * One page of a member's export, the payload of a signed export page: an Activity Streams
 * `OrderedCollectionPage` of the documents one member authored in one group at one tool.
 * @see {@link https://w3id.org/cta/spec/export#EXP-PAGE-001 Spec: EXP-PAGE-001}
 */
export interface ExportPage {
  readonly '@context': readonly ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1']
  /** This page's IRI: the export endpoint with `group` and `page`. */
  readonly id: string
  readonly type: 'OrderedCollectionPage'
  /** The export collection: the export endpoint with `group`. */
  readonly partOf: string
  /** The member whose data this is: the assertion's `sub`. */
  readonly attributedTo: string
  /** The tool that answered and signed: its origin. */
  readonly generator: string
  /** The group. */
  readonly context: string
  /** When the page was made (RFC 3339). */
  readonly published: string
  /** The member's documents, at most 100. */
  readonly orderedItems: readonly ExportItem[]
  /** The next page's IRI, when there is one. */
  readonly next?: string
}
