"""A relying tool written the way a vendor would, with Debian's python3-authlib and its DEFAULT
settings (OAuth2Session: client_secret_basic with the origin as client_id, PKCE S256), against a
CTA group authority. It prints, as one JSON object, what it observed at each step; the test
(examples/test/authlib-relying-tool.test.ts) says what must be observed.

Argument: a JSON object {issuer, group, client_id, client_secret, redirect_uri, member, outsider}.
The member's browser is a requests.Session: it follows the authority's redirects and submits its
login page (person=<member IRI>, a demo picker) and consent page (Allow), the way a person would.
"""
import json
import secrets
import sys
import time
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"

cfg = json.loads(sys.argv[1])
issuer, group, client_id = cfg["issuer"], cfg["group"], cfg["client_id"]
out = {}


def discovery_problems(metadata):
    """Every Authlib metadata check that fails, except "MUST use https" (the test runs on http)."""
    problems = []
    for name in sorted(dir(metadata)):
        if not name.startswith("validate_"):
            continue
        try:
            getattr(metadata, name)()
        except ValueError as err:
            if '"https" scheme' not in str(err):
                problems.append(str(err))
    return problems


def browse(url, person):
    """The member's browser: from the authorization URL to the redirect back to the tool."""
    browser = requests.Session()
    method, form = "GET", None
    for _ in range(20):
        answer = browser.request(method, url, data=form, allow_redirects=False)
        if answer.is_redirect:
            url = urljoin(url, answer.headers["location"])
            if url.startswith(cfg["redirect_uri"]):
                return url
            method, form = "GET", None
            continue
        if answer.status_code != 200 or "/interaction/" not in url:
            raise RuntimeError(f"unexpected {answer.status_code} at {url}")
        base = urlparse(url).path.rstrip("/")
        if '/login"' in answer.text:
            url, method, form = urljoin(url, base + "/login"), "POST", {"person": person}
        else:
            url, method, form = urljoin(url, base + "/consent"), "POST", {}
    raise RuntimeError("the authority never redirected back")


def oauth_error(call):
    """The OAuth error code a call raised, or None."""
    try:
        call()
    except OAuthError as err:
        return err.error
    return None


def session(secret=None, scope="openid cta:membership"):
    return OAuth2Session(
        client_id,
        cfg["client_secret"] if secret is None else secret,
        scope=scope,
        redirect_uri=cfg["redirect_uri"],
        code_challenge_method="S256",
    )


def start(client, person, group_iri=group):
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, _state = client.create_authorization_url(
        metadata["authorization_endpoint"], nonce=nonce, code_verifier=verifier, cta_group=group_iri
    )
    return browse(url, person), verifier, nonce


# 1. Discovery, checked by Authlib's own OpenID Provider metadata validation.
metadata = OpenIDProviderMetadata(
    requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
)
out["discovery_problems"] = discovery_problems(metadata)
out["id_token_algs"] = metadata["id_token_signing_alg_values_supported"]
out["auth_methods"] = metadata["token_endpoint_auth_methods_supported"]
keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=5).json())
token_endpoint = metadata["token_endpoint"]

# 2. Sign-in with PKCE, code exchange with Authlib's default client authentication.
client = session()
callback, verifier, nonce = start(client, cfg["member"])
query = parse_qs(urlparse(callback).query)
out["callback_iss"] = query.get("iss", [None])[0]
token = client.fetch_token(token_endpoint, authorization_response=callback, code_verifier=verifier)

# 3. The ID token, verified as Authlib verifies any OpenID Connect ID token.
id_token = JsonWebToken(["RS256"]).decode(
    token["id_token"],
    keys,
    claims_cls=CodeIDToken,
    claims_options={"iss": {"essential": True, "value": issuer}},
    claims_params={"nonce": nonce, "client_id": client_id},
)
id_token.validate()
out["id_token"] = {"alg": id_token.header["alg"], "sub": id_token["sub"], "groups": id_token.get("groups")}

# 4. Token exchange for a membership assertion, verified with the same key set (EdDSA).
exchanged = client.fetch_token(
    token_endpoint,
    grant_type=TOKEN_EXCHANGE,
    subject_token=token["access_token"],
    subject_token_type=ACCESS_TOKEN_TYPE,
    requested_token_type=JWT_TOKEN_TYPE,
    audience=client_id,
    resource=group,
)
assertion = JsonWebToken(["EdDSA", "ES256"]).decode(
    exchanged["access_token"],
    keys,
    claims_options={
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "sub": {"essential": True, "value": cfg["member"]},
    },
)
assertion.validate(now=int(time.time()))
out["assertion"] = {
    "typ": assertion.header.get("typ"),
    "alg": assertion.header["alg"],
    "groups": assertion["groups"],
    "lifetime": assertion["exp"] - assertion["iat"],
    "issued_token_type": exchanged.get("issued_token_type"),
}

# 5. The standard error cases, as Authlib surfaces them.
errors = {}
errors["reused_code"] = oauth_error(
    lambda: session().fetch_token(token_endpoint, authorization_response=callback, code_verifier=verifier)
)
second, second_verifier, _ = start(session(), cfg["member"])
errors["wrong_secret"] = oauth_error(
    lambda: session("not-the-secret").fetch_token(
        token_endpoint, authorization_response=second, code_verifier=second_verifier
    )
)
errors["wrong_verifier"] = oauth_error(
    lambda: session().fetch_token(
        token_endpoint, authorization_response=second, code_verifier=secrets.token_urlsafe(48)
    )
)
denied, denied_verifier, _ = start(session(), cfg["outsider"])
errors["not_a_member"] = parse_qs(urlparse(denied).query).get("error", [None])[0]
# Authlib 1.2 does not raise on an error redirect: it asks for a client credentials token with the
# session's scopes, which the authority must refuse (member scopes come only from a sign-in).
errors["token_after_denial"] = oauth_error(
    lambda: session().fetch_token(
        token_endpoint, authorization_response=denied, code_verifier=denied_verifier
    )
)
no_scope, _, _ = start(session(scope="openid profile"), cfg["member"])
errors["group_without_membership_scope"] = parse_qs(urlparse(no_scope).query).get("error", [None])[0]
out["errors"] = errors

print(json.dumps(out))
