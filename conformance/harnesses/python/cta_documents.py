"""Context checks (DOC-CTX-004, EXT-CTX-*, EXT-MEM-001) and schema validation (DOC-VAL-*),
against the JSON Schemas of schemas/v1 loaded from the repository: no network."""
import calendar
import glob
import json
import os
import re

import jsonschema

from cta_jws import BROKEN, Refused

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PINNED = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/cta/v1"]
MAX_EXTENSION_CONTEXTS = 4  # EXT-CTX-001

SCHEMAS = {}
for _path in glob.glob(os.path.join(ROOT, "schemas", "v1", "*.json")):
    with open(_path, encoding="utf-8") as _f:
        _schema = json.load(_f)
    SCHEMAS[_schema["$id"]] = _schema
BY_TITLE = {s["title"]: s for s in SCHEMAS.values() if "title" in s}


def _const_type(schema):
    t = schema.get("properties", {}).get("type", {})
    return t.get("const") if isinstance(t.get("const"), str) else None


# An event's kind follows from its CloudEvents `type` (DOC-EVT-001); other documents' from `type`
# (DOC-VAL-003), among the schemas of documents that carry their own `@context`.
EVENT_SCHEMAS = {}
DOCUMENT_SCHEMAS = {}
for _id, _schema in SCHEMAS.items():
    _name = _id.rsplit("/", 1)[-1]
    if _name.startswith("event-") and _const_type(_schema):
        EVENT_SCHEMAS[_const_type(_schema)] = _schema
    elif (
        "@context" in _schema.get("properties", {})
        and not _name.startswith("activity")
        and _const_type(_schema)
    ):
        DOCUMENT_SCHEMAS[_const_type(_schema)] = _schema
GENERIC_EVENT = SCHEMAS["https://w3id.org/cta/schemas/v1/event.json"]
EXTENSION_CONTEXT = SCHEMAS["https://w3id.org/cta/schemas/v1/extension-context.json"]

# DOC-TIME-001 and DOC-IRI-001, the only two formats the schemas use (DOC-VAL-004).
DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$"
)
IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:.")
IRI_FORBIDDEN = set('<>"{}|\\^`\ufeff')  # U+FEFF counts as white space (DOC-IRI-001)


def is_date_time(value):
    if not isinstance(value, str):
        return True
    m = DATE_TIME.match(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    if m.group(9) is not None and (int(m.group(9)) > 23 or int(m.group(10)) > 59):
        return False
    return True


def is_iri(value):
    if not isinstance(value, str):
        return True
    if len(value) > 2048 or not IRI_SCHEME.match(value):
        return False
    for ch in value:
        o = ord(ch)
        if ch.isspace() or o < 0x20 or 0x7F <= o <= 0x9F or ch in IRI_FORBIDDEN:
            return False
    return True


FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("date-time")(is_date_time)
FORMATS.checks("iri")(is_iri)
RESOLVER_STORE = dict(SCHEMAS)


def schema_errors(instance, schema):
    resolver = jsonschema.RefResolver.from_schema(schema, store=RESOLVER_STORE)
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver, format_checker=FORMATS)
    return list(validator.iter_errors(instance))


def _walk(value, path):
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k, v
            yield from _walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, path + (i,))


def check_contexts(document, top_path):
    """DOC-CTX-004 steps 1-4 on a whole object (a document, or an event envelope whose
    document is at `top_path`, ("data",))."""
    for path, name, _ in _walk(document, ()):  # 1. @context anywhere but the top
        if name == "@context" and path != top_path:
            raise Refused("ERR_JSONLD_UNSAFE")
    doc = document
    for step in top_path:
        doc = doc.get(step) if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or "@context" not in doc:
        return  # a missing @context is the schema's to refuse (step 5)
    context = doc["@context"]
    items = context if isinstance(context, list) else [context]
    for item in items:  # 2. a context named by IRI that is not one of the two
        if isinstance(item, str) and item not in PINNED:
            raise Refused("ERR_JSONLD_CONTEXT_UNKNOWN")
    if not isinstance(context, list) or context[:2] != PINNED:  # 3. pinned, then extensions
        raise Refused("ERR_JSONLD_UNSAFE")
    extensions = context[2:]
    if len(extensions) > MAX_EXTENSION_CONTEXTS:
        raise Refused("ERR_JSONLD_UNSAFE")
    prefixes = set()
    for ext in extensions:
        if not isinstance(ext, dict) or schema_errors(ext, EXTENSION_CONTEXT):
            raise Refused("ERR_JSONLD_UNSAFE")
        if prefixes & set(ext):
            raise Refused("ERR_JSONLD_UNSAFE")
        prefixes |= set(ext)
    for _, name, _ in _walk(doc, ()):  # 4. undeclared extension prefixes
        if ":" in name and name.split(":", 1)[0] not in prefixes:
            raise Refused("ERR_JSONLD_UNSAFE")


def event_schema(envelope):
    t = envelope.get("type") if isinstance(envelope, dict) else None
    return EVENT_SCHEMAS.get(t, GENERIC_EVENT) if isinstance(t, str) else GENERIC_EVENT


def validate_event(envelope):
    """Context checks, then the schema of the event's type. Returns the kind."""
    if "context" not in BROKEN:
        check_contexts(envelope, ("data",))
    schema = event_schema(envelope)
    if "schema" not in BROKEN and schema_errors(envelope, schema):
        raise Refused("ERR_SCHEMA_INVALID")
    return schema["title"]


def validate_document(document, kind=None):
    if kind is not None:
        schema = BY_TITLE.get(kind)
        if schema is None:
            raise Refused("ERR_SCHEMA_INVALID", f"unknown kind {kind}")
        if schema_errors(document, schema):
            raise Refused("ERR_SCHEMA_INVALID")
        return kind
    if isinstance(document, dict) and "specversion" in document:
        return validate_event(document)
    check_contexts(document, ())
    t = document.get("type") if isinstance(document, dict) else None
    schema = DOCUMENT_SCHEMAS.get(t) if isinstance(t, str) else None
    if schema is None or schema_errors(document, schema):
        raise Refused("ERR_SCHEMA_INVALID")
    return schema["title"]
