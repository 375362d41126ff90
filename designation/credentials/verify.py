"""Checking a credential someone holds (a VC-JWT, or a badge image with one baked in) against
the keys this issuer publishes and its status list, and saying the outcome in words."""

import base64
import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from joserfc import jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from designation.credentials import baking, keys, status
from designation.models import IssuedCredential

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclass
class CredentialCheck:
    """What checking one presented credential found."""

    signature: str  # "valid", "invalid", "unknown key", "not a credential"
    status: str = ""  # "active", "expired", "revoked", "not yet valid", "unknown"
    problems: list[str] = field(default_factory=list)
    credential: IssuedCredential | None = None
    claims: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.signature == "valid" and self.status == "active"

    @property
    def summary(self) -> str:
        if self.signature != "valid":
            return {
                "invalid": "The signature does not match: this credential was altered or "
                "was not issued by this program.",
                "unknown key": "It was signed with a key this program never published.",
            }.get(self.signature, "This is not a badge credential of this program.")
        return {
            "active": "Valid signature; the designation is active.",
            "expired": "Valid signature, but the credential has expired.",
            "revoked": "Valid signature, but the credential has been revoked.",
            "not yet valid": "Valid signature; the credential is not valid yet.",
        }.get(self.status, "Valid signature, but its status is unknown to this program.")


def token_from_upload(data: bytes) -> str:
    """The compact JWT in pasted text, or baked into an SVG or PNG badge image."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError("That file is larger than 2 MB: no badge image is that big.")
    if data.startswith(b"\x89PNG"):
        token = baking.png_credential(data)
    elif b"<svg" in data[:4096]:
        token = baking.svg_credential(data)
    else:
        token = data.decode("utf-8", errors="replace").strip()
    if not token:
        raise ValueError("No credential found: paste a VC-JWT or upload a baked badge image.")
    return token


def _key_for(kid: str) -> OKPKey | None:
    fragment = kid.rsplit("#", 1)[-1]
    for jwk in keys.published_jwks():
        if jwk["kid"] == fragment:
            return OKPKey.import_key({k: v for k, v in jwk.items() if k in ("kty", "crv", "x")})
    return None


def check_token(token: str, *, today: date) -> CredentialCheck:
    """Verify the signature against the published keys, then the status list and dates."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            header = _header(token)
            key = _key_for(str(header.get("kid", "")))
            if key is None:
                return CredentialCheck(signature="unknown key", status="unknown")
            decoded = jwt.decode(token, key, algorithms=[keys.ALGORITHM])
    except JoseError:
        return CredentialCheck(signature="invalid", status="unknown")
    except (ValueError, TypeError, KeyError, UnicodeError):
        return CredentialCheck(signature="not a credential", status="unknown")
    claims = decoded.claims
    if claims.get("iss") != keys.issuer_did() or "OpenBadgeCredential" not in claims.get(
        "type", []
    ):
        return CredentialCheck(signature="not a credential", status="unknown", claims=claims)
    check = CredentialCheck(signature="valid", claims=claims)
    uuid = str(claims.get("jti", "")).removeprefix("urn:uuid:")
    issued = IssuedCredential.objects.filter(uuid=uuid).select_related("designation").first()
    if issued is None:
        check.status = "unknown"
        return check
    check.credential = issued
    check.status = status.status_of(issued, today=today)
    nbf = datetime.fromtimestamp(claims.get("nbf", 0), UTC).date()
    exp = datetime.fromtimestamp(claims.get("exp", 0), UTC).date()
    if (nbf, exp) != (issued.valid_from, issued.valid_until):
        check.problems.append("Its dates differ from the credential this program issued.")
        check.status = "unknown"
    return check


def _header(token: str) -> dict:
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
