"""The issuer's signing key and its published identity: a did:web DID document and a JWKS, both
built from SITE_URL. Every key that ever signed stays published, so a rotation keeps older
credentials verifiable."""

import functools
import json
import os
import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

from designation.models import CredentialKey

# Open Badges 3.0 verifiers in the field (and the JOSE libraries they use) name Ed25519
# signatures "EdDSA"; RFC 9864's "Ed25519" name is not understood by them yet.
ALGORITHM = "EdDSA"
DEV_KEY_PATH = Path(settings.BASE_DIR) / "var" / "credential-signing-key.pem"


def _raw_private_key() -> str:
    if settings.CREDENTIAL_SIGNING_KEY:
        return settings.CREDENTIAL_SIGNING_KEY
    if settings.CREDENTIAL_SIGNING_KEY_FILE:
        return Path(settings.CREDENTIAL_SIGNING_KEY_FILE).read_text()
    if settings.DEBUG:
        return _development_key()
    raise ImproperlyConfigured(
        "Set CREDENTIAL_SIGNING_KEY or CREDENTIAL_SIGNING_KEY_FILE: badge credentials are signed."
    )


def _development_key() -> str:
    """A key made once under var/ for development; never used without DEBUG."""
    if not DEV_KEY_PATH.exists():
        DEV_KEY_PATH.parent.mkdir(parents=True, exist_ok=True)
        pem = OKPKey.generate_key("Ed25519", private=True).as_pem(private=True)
        try:  # two processes starting at once: the first file wins, the other reads it
            fd = os.open(DEV_KEY_PATH, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
    return DEV_KEY_PATH.read_text()


@functools.lru_cache(maxsize=8)
def _parse(raw: str) -> OKPKey:
    raw = raw.strip()
    try:
        key = OKPKey.import_key(json.loads(raw) if raw.startswith("{") else raw)
    except Exception as exc:
        raise ImproperlyConfigured(
            "CREDENTIAL_SIGNING_KEY is not an Ed25519 private key (PEM or JWK)."
        ) from exc
    if key.curve_name != "Ed25519" or not key.is_private:
        raise ImproperlyConfigured("CREDENTIAL_SIGNING_KEY must be an Ed25519 private key.")
    return key


def signing_key() -> OKPKey:
    """The private key that signs new credentials and status lists."""
    return _parse(_raw_private_key())


def kid_of(key: OKPKey) -> str:
    return key.thumbprint()


def public_jwk(key: OKPKey) -> dict:
    return {**key.as_dict(private=False), "kid": kid_of(key), "alg": ALGORITHM, "use": "sig"}


def issuer_did() -> str:
    """did:web of SITE_URL: host (port percent-encoded), then any path segments."""
    parts = urlsplit(settings.SITE_URL)
    host = quote(parts.netloc, safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments])


def method_id(kid: str) -> str:
    return f"{issuer_did()}#{kid}"


def record_signing_key() -> tuple[OKPKey, str]:
    """The signing key and its kid, its public half recorded so it stays published."""
    key = signing_key()
    kid = kid_of(key)
    CredentialKey.objects.get_or_create(kid=kid, defaults={"public_jwk": public_jwk(key)})
    return key, kid


def published_jwks() -> list[dict]:
    """The current key first, then every earlier key that signed something."""
    current = public_jwk(signing_key())
    older = [
        row.public_jwk for row in CredentialKey.objects.exclude(kid=current["kid"]).order_by("-id")
    ]
    return [current, *older]


def did_document() -> dict:
    """The issuer's DID document: each published key as a JsonWebKey2020 method."""
    did = issuer_did()
    methods = [
        {
            "id": f"{did}#{jwk['kid']}",
            "type": "JsonWebKey2020",
            "controller": did,
            "publicKeyJwk": {k: v for k, v in jwk.items() if k in ("kty", "crv", "x")},
        }
        for jwk in published_jwks()
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids[:1],
    }


def sign(claims: dict, *, typ: str) -> tuple[str, str]:
    """A compact JWS of `claims` with the current key: (token, kid)."""
    key, kid = record_signing_key()
    header = {"alg": ALGORITHM, "typ": typ, "kid": method_id(kid)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.encode(header, claims, key, algorithms=[ALGORITHM]), kid
