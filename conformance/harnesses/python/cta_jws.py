"""Steps 1-8 of spec/events.md "Verifying", shared by every compact JWS of the protocol.

Written from the spec text (EVT-SIG-*, EVT-KEY-*, EVT-LIM-001, EVT-JSON-*), not from the SDK.
"""
import base64
import json
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from jwcrypto import jwk

B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
MAX_JWS = 98_304  # EVT-LIM-001: 96 KiB
MAX_HEADER = 1_368  # EVT-LIM-001: 1 KiB of header JSON, encoded
MAX_DEPTH = 32  # EVT-JSON-001
ALGS = {"EdDSA": ("OKP", "Ed25519"), "ES256": ("EC", "P-256")}
BROKEN = set()  # steps switched off for the harness's own mutation check


class Refused(Exception):
    """A rejection with one of the spec's error codes."""

    def __init__(self, code, message=""):
        super().__init__(message or code)
        self.code = code


def b64_canonical(part):
    """EVT-SIG-004: unpadded base64url, URL-safe alphabet, no non-zero unused bits."""
    if not B64URL.match(part) or len(part) % 4 == 1:
        return None
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != part:
        return None
    return raw


def _no_duplicates(pairs):
    names = [k for k, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("repeated member name")
    return dict(pairs)


def _reject_constant(name):
    raise ValueError(f"not JSON: {name}")


def strict_json(raw, *, payload):
    """EVT-JSON-001/002: UTF-8 JSON without a BOM, distinct names; for a payload also the
    depth and `__proto__` rules. Returns the parsed value or raises ValueError."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("byte-order mark")
    text = raw.decode("utf-8")  # strict: UnicodeDecodeError is a ValueError
    value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    if payload:
        _check_depth(value)
    return value


def _check_depth(value):
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                raise ValueError("nested too deep")
            children = node.values() if isinstance(node, dict) else node
            if isinstance(node, dict) and "__proto__" in node:
                raise ValueError("__proto__ member")
            stack.extend((child, depth + 1) for child in children)


# Ed25519 point checks (EVT-KEY-002): canonical encoding, on the curve, not of small order.
P = 2**255 - 19
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _ed_decode(raw):
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = (u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P)) % P
    if (v * x * x - u) % P != 0:
        x = (x * SQRT_M1) % P
        if (v * x * x - u) % P != 0:
            return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y)


def _ed_add(a, b):
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, P - 2, P) % P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, P - 2, P) % P
    return (x3, y3)


def _ed_usable(x_b64):
    raw = b64_canonical(x_b64) if isinstance(x_b64, str) else None
    point = _ed_decode(raw) if raw is not None else None
    if point is None:
        return False
    q = point
    for _ in range(3):
        q = _ed_add(q, q)
    return q != (0, 1)  # [8]P is the identity only for the eight torsion points


def usable_key(key):
    """EVT-KEY-005 and EVT-KEY-002: the public key object to verify with, or None (skipped)."""
    if not isinstance(key, dict) or not isinstance(key.get("kid"), str) or "d" in key:
        return None
    if key.get("use", "sig") != "sig":
        return None
    fit = ALGS.get(key.get("alg")) if isinstance(key.get("alg"), str) else None
    if fit is None or (key.get("kty"), key.get("crv")) != fit:
        return None
    try:
        if key["kty"] == "OKP":
            if not _ed_usable(key.get("x")):
                return None
            public = {"kty": "OKP", "crv": "Ed25519", "x": key["x"]}
        else:
            for c in ("x", "y"):
                raw = b64_canonical(key[c]) if isinstance(key.get(c), str) else None
                if raw is None or len(raw) != 32:
                    return None
            public = {"kty": "EC", "crv": "P-256", "x": key["x"], "y": key["y"]}
        return jwk.JWK(**public).get_op_key("verify")  # raises on a point off the curve
    except Exception:  # noqa: BLE001 - an unusable key is skipped, as if not published
        return None


def typ_matches(typ, expected):
    """EVT-SIG-003: compare as a media type (RFC 7515 §4.1.9)."""
    if not isinstance(typ, str):
        return False
    value = typ.lower()
    if "/" not in value:
        value = "application/" + value
    return value == "application/" + expected.lower()


def verify_compact(token, trust, typ, max_length=MAX_JWS):
    """Steps 1-8. `trust` is a list of {source, jwks}. Returns (header, payload, source)."""
    if not isinstance(token, str):
        raise Refused("ERR_JWS_MALFORMED")
    if len(token) > max_length:  # 1. size
        raise Refused("ERR_TOO_LARGE")
    parts = token.split(".")  # 2. shape
    if len(parts) != 3:
        raise Refused("ERR_JWS_MALFORMED")
    if len(parts[0]) > MAX_HEADER:
        raise Refused("ERR_TOO_LARGE")
    raw = [b64_canonical(p) for p in parts]
    if any(r is None for r in raw):
        raise Refused("ERR_JWS_MALFORMED")
    try:  # 3. protected header
        header = strict_json(raw[0], payload=False)
    except (ValueError, RecursionError):
        raise Refused("ERR_JWS_MALFORMED") from None
    if not isinstance(header, dict):
        raise Refused("ERR_JWS_MALFORMED")
    if "header-allowlist" not in BROKEN and set(header) - {"alg", "kid", "typ"}:
        raise Refused("ERR_HEADER_NOT_ALLOWED")
    if "typ" not in BROKEN and not typ_matches(header.get("typ"), typ):  # 4. typ
        raise Refused("ERR_TYP_MISMATCH")
    alg = header.get("alg")  # 5. algorithm, then kid
    if "alg" not in BROKEN and alg not in ALGS:
        raise Refused("ERR_ALG_NOT_ALLOWED")
    kid = header.get("kid")
    if not isinstance(kid, str) or kid == "" or len(kid) > 2048:
        raise Refused("ERR_JWS_MALFORMED")
    origin = kid.split("#", 1)[0] if "#" in kid else None  # 6. key
    candidates = []
    for tool in trust:
        if origin is not None and tool.get("source") == origin:
            for key in tool.get("jwks", {}).get("keys", []):
                if isinstance(key, dict) and key.get("kid") == kid:
                    public = usable_key(key)
                    if public is not None:
                        candidates.append((key, public, tool["source"]))
    if not candidates:
        raise Refused("ERR_KEY_UNRESOLVED")
    key, public, source = candidates[0]
    if "alg" not in BROKEN and key["alg"] != alg:
        raise Refused("ERR_ALG_NOT_ALLOWED")
    signing_input = (parts[0] + "." + parts[1]).encode("ascii")  # 7. signature
    if "signature" not in BROKEN and not _signature_ok(key["alg"], public, raw[2], signing_input):
        raise Refused("ERR_SIGNATURE_INVALID")
    try:  # 8. payload as strict JSON
        payload = strict_json(raw[1], payload=True)
    except (ValueError, RecursionError):
        raise Refused("ERR_JSON_INVALID") from None
    if not isinstance(payload, dict):
        raise Refused("ERR_JSON_INVALID")
    return header, payload, source


def _signature_ok(alg, public, signature, signing_input):
    try:
        if alg == "EdDSA":
            public.verify(signature, signing_input)
        else:
            if len(signature) != 64:  # JWS ES256 is R || S, 32 bytes each (RFC 7518 §3.4)
                return False
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            public.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False
