/** The `typ` of a signed export page (a compact JWS). */
export const EXPORT_JWS_TYP = 'cta-export+jws'
/** The media type of an export page on the wire: the compact JWS, as text. */
export const EXPORT_MEDIA_TYPE = 'application/cta-export+jws'
/** The OAuth scope a membership assertion carries to let its member export their data. */
export const EXPORT_SCOPE = 'cta:export'
/** The most items one export page holds. */
export const MAX_EXPORT_PAGE_ITEMS = 100
/** The longest export page accepted, in characters of its compact JWS (4 MiB). */
export const MAX_EXPORT_PAGE_LENGTH = 4 * 1024 * 1024
/** The most pages {@link collectExport} follows before it refuses the export. */
export const MAX_EXPORT_PAGES = 1000
