"""verifyEvent and verifyEventSequence: spec/events.md "Verifying", steps 9 onwards."""
import re
from datetime import datetime, timedelta, timezone

from cta_documents import validate_event
from cta_jws import BROKEN, Refused, verify_compact

WINDOW = timedelta(hours=72)  # EVT-AGE-001
SKEW = timedelta(seconds=60)
INSTANT = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$"
)


def instant(value):
    """EVT-TIME-001: an instant at millisecond precision; second 60 reads as :59.999."""
    m = INSTANT.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"not an instant: {value!r}")
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    millis = int((m.group(7) or "0")[:3].ljust(3, "0"))
    if second == 60:
        second, millis = 59, 999
    at = datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=timezone.utc)
    if m.group(8) != "Z":
        offset = timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
        at -= offset if m.group(9) == "+" else -offset
    return at


def verify_event(jws, now, trust, seen):
    """One delivery; `seen` is the replay memory of (source, id), updated on acceptance."""
    _, event, key_source = verify_compact(jws, trust, "cta-event+jws")  # steps 1-8
    kind = validate_event(event)  # context, schema
    if "source" not in BROKEN and event["source"] != key_source:  # EVT-SRC-001
        raise Refused("ERR_SOURCE_MISMATCH")
    if event["group"] != event["data"].get("audience"):  # EVT-GRP-001
        raise Refused("ERR_EVENT_INCONSISTENT")
    try:
        at = instant(event["time"])
    except ValueError:
        raise Refused("ERR_SCHEMA_INVALID") from None
    if "age" not in BROKEN:  # EVT-AGE-001
        if now - at > WINDOW + SKEW:
            raise Refused("ERR_EVENT_STALE")
        if at - now > SKEW:
            raise Refused("ERR_EVENT_FUTURE")
    key = (event["source"], event["id"])  # EVT-DUP-001
    if "dedupe" not in BROKEN and key in seen:
        raise Refused("ERR_DUPLICATE")
    seen.add(key)
    return {
        "valid": True,
        "kind": kind,
        "result": {"id": event["id"], "source": event["source"], "type": event["type"]},
    }
