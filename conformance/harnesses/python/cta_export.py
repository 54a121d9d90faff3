"""verifyExportPage: spec/export.md, "The answer: signed pages" (EXP-SIGN-001, EXP-PAGE-001,
EXP-VER-001)."""
import re

from cta_documents import is_date_time, is_iri, validate_document
from cta_jws import Refused, verify_compact

MAX_PAGE_LENGTH = 4 * 1024 * 1024  # a page's compact JWS, at most 4 MiB
MAX_ITEMS = 100  # EXP-PAGE-001
CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/cta/v1"]
MEMBERS = {
    "@context", "id", "type", "partOf", "attributedTo", "generator", "context", "published",
    "orderedItems", "next",
}
ORIGIN = re.compile(r"^https?://[^/?#@\s]+$")


def _iri(page, name):
    value = page.get(name)
    if not isinstance(value, str) or not is_iri(value):
        raise Refused("ERR_SCHEMA_INVALID", f"{name} must be an IRI")
    return value


def check_page(page):
    """EXP-PAGE-001: exactly the page's members, the pinned context, IRIs, at most 100 items,
    each a valid protocol document."""
    if set(page) - MEMBERS:
        raise Refused("ERR_SCHEMA_INVALID", "unknown member")
    if page.get("@context") != CONTEXT or page.get("type") != "OrderedCollectionPage":
        raise Refused("ERR_SCHEMA_INVALID", "not an export page")
    for name in ("id", "partOf", "attributedTo", "context"):
        _iri(page, name)
    if not ORIGIN.match(_iri(page, "generator")):
        raise Refused("ERR_SCHEMA_INVALID", "generator must be an origin")
    if "next" in page:
        _iri(page, "next")
    published = page.get("published")
    if not isinstance(published, str) or not is_date_time(published):
        raise Refused("ERR_SCHEMA_INVALID", "published must be a date-time")
    items = page.get("orderedItems")
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise Refused("ERR_SCHEMA_INVALID", "orderedItems")
    for item in items:
        validate_document(item)
    return page


def verify_export_page(jws, trust):
    """The compact JWS (typ cta-export+jws), then the page, then: its key is its generator's."""
    _, page, key_source = verify_compact(jws, trust, "cta-export+jws", MAX_PAGE_LENGTH)
    check_page(page)
    if key_source != page["generator"]:  # EXP-VER-001
        raise Refused("ERR_SOURCE_MISMATCH")
    return {
        "valid": True,
        "kind": "ExportPage",
        "result": {
            "attributedTo": page["attributedTo"],
            "generator": page["generator"],
            "items": len(page["orderedItems"]),
        },
    }
