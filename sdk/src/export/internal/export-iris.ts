/** The reserved cursor of an export's first page. @internal */
export const FIRST_PAGE = 'first'

/** The IRI of a member's export collection: the endpoint with `group` (EXP-REQ-001). @internal */
export function exportCollectionIri(endpoint: string, group: string): string {
  const url = new URL(endpoint)
  url.search = ''
  url.hash = ''
  url.searchParams.set('group', group)
  return url.href
}

/** The IRI of one page: the collection with `page` (`first` for the first). @internal */
export function exportPageIri(collection: string, cursor: string | undefined): string {
  const url = new URL(collection)
  url.searchParams.set('page', cursor ?? FIRST_PAGE)
  return url.href
}
