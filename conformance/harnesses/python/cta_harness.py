#!/usr/bin/env python3
"""A reference harness for the CTA conformance suite, written in Python from the spec text.

Speaks the JSON-lines stdio protocol of conformance/README.md ("Harness mode"):

    npx cta-conformance vectors --profile core --profile receiver \
      --harness "stdio:python3 conformance/harnesses/python/cta_harness.py"

Debian packages only: python3, python3-jwcrypto, python3-jsonschema. Set
CTA_PY_HARNESS_BROKEN=<step>[,<step>] (signature, typ, alg, header-allowlist, age, dedupe,
schema, source, context) to switch a verification step off and see the suite catch it.
"""
import json
import os
import sys
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cta_documents import validate_document  # noqa: E402
from cta_events import instant, verify_event  # noqa: E402
from cta_export import verify_export_page  # noqa: E402
from cta_jws import BROKEN, Refused  # noqa: E402

BROKEN.update(s for s in os.environ.get("CTA_PY_HARNESS_BROKEN", "").split(",") if s)

INFO = {
    "version": 1,
    "implementation": {
        "name": "cta-py-reference-harness",
        "version": "0.1.0",
        "language": "python",
    },
    "profiles": ["core", "receiver"],
    "features": ["alg:EdDSA", "alg:ES256"],
}


def outcome(fn):
    try:
        return fn()
    except Refused as refused:
        return {"error": refused.code}


def check_roster_viewer(inp):
    """PRV-SHOW-001: public to anyone, members to a viewer of the group, admins to its admins."""
    group, viewer = inp["group"], inp.get("viewer")
    visibility = group.get("rosterVisibility")
    member = isinstance(viewer, dict) and viewer.get("group") == group.get("id")
    allowed = (
        visibility == "public"
        or (visibility == "members" and member)
        or (visibility == "admins" and member and "admin" in viewer.get("roles", []))
    )
    if not allowed:
        raise Refused("ERR_ROSTER_HIDDEN")
    return {"valid": True, "kind": "RosterViewer"}


def run(operation, inp):
    if operation == "validateDocument":
        return outcome(lambda: {"valid": True, "kind": validate_document(inp["document"], inp.get("kind"))})
    if operation == "verifyEvent":
        now = instant(inp["currentDate"])
        return outcome(lambda: verify_event(inp["jws"], now, inp["trust"], set()))
    if operation == "verifyEventSequence":
        now, seen = instant(inp["currentDate"]), set()
        return {
            "sequence": [
                outcome(lambda jws=jws: verify_event(jws, now, inp["trust"], seen))
                for jws in inp["deliveries"]
            ]
        }
    if operation == "verifyExportPage":
        return outcome(lambda: verify_export_page(inp["jws"], inp["trust"]))
    if operation == "checkRosterViewer":
        return outcome(lambda: check_roster_viewer(inp))
    return None


def write(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "start":
            write(INFO)
        elif cmd == "run":
            seq, vector = request.get("seq"), request.get("vector", {})
            try:
                result = run(vector.get("operation"), vector.get("input", {}))
            except Exception:  # noqa: BLE001 - reported as errored, never as a verdict
                write({"seq": seq, "errored": True, "message": traceback.format_exc()})
                continue
            if result is None:
                write({"seq": seq, "skipped": True, "message": f"operation not supported: {vector.get('operation')}"})
            else:
                write({"seq": seq, "result": result})
        elif cmd == "stop":
            break


if __name__ == "__main__":
    main()
