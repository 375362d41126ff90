"""Issuing a designation's Open Badges 3.0 OpenBadgeCredential as a VC-JWT (VC Data Model 2.0
with the OB 3.0 context), and reading one back."""

import base64
import json
from datetime import UTC, date, datetime, time

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from designation.credentials import keys, status
from designation.models import Designation, IssuedCredential

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
PROGRAM = "Microsoft AI Cloud Partner Program"
DESIGNATION = "Support Services designation"
CRITERIA = (
    "Awarded to a partner global account that completed the five steps of the Support Services "
    "designation: every prerequisite met (an active Solutions Partner designation, CSP Direct "
    "Bill or Distributor, an active partner support plan, account in good standing, Partner "
    "Center registration, tax and billing information, the Partner Code of Conduct accepted, "
    "an authorised representative); a performance assessment whose trailing-twelve-month case "
    "rate met the program's target; a customer success survey scored at or above the program's "
    "minimum; and a capability assessment of support function, support staff skills and "
    "support performance metrics, audited by ISSI. Valid one year from attainment and renewed "
    "on each anniversary."
)


def achievement() -> dict:
    """The Support Services designation as an OB 3.0 Achievement (the same in every badge)."""
    return {
        "id": settings.SITE_URL + "/badges/support-services",
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": DESIGNATION,
        "description": (
            "Microsoft partners that provide audited, high-quality support services to their "
            "customers."
        ),
        "criteria": {"narrative": CRITERIA},
    }


def issuer_profile() -> dict:
    return {
        "id": keys.issuer_did(),
        "type": ["Profile"],
        "name": PROGRAM,
        "url": settings.SITE_URL + "/",
    }


def credential_claims(
    designation: Designation, issued: IssuedCredential, status_entry: dict
) -> dict:
    """The credential body; in a native VC-JWT it is also the JWT payload."""
    organization = designation.organization
    valid_from = _midnight(issued.valid_from)
    valid_until = _midnight(issued.valid_until)
    did = keys.issuer_did()
    return {
        "@context": CONTEXT,
        "id": issued.urn,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{DESIGNATION}: {organization.legal_name}",
        "issuer": issuer_profile(),
        "image": {
            "id": settings.SITE_URL
            + reverse("verify-badge-image", args=[designation.credential_id]),
            "type": "Image",
            "caption": f"{DESIGNATION} badge of {organization.legal_name}",
        },
        "validFrom": _stamp(valid_from),
        "validUntil": _stamp(valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                _identity("identifier", organization.partner_id),
                _identity("name", organization.legal_name),
            ],
            "achievement": achievement(),
        },
        "credentialStatus": status_entry,
        "iss": did,
        "jti": issued.urn,
        "iat": int(issued.issued_at.timestamp()),
        "nbf": int(valid_from.timestamp()),
        "exp": int(valid_until.timestamp()),
    }


def issue_credential(
    designation: Designation, *, valid_from: date, valid_until: date
) -> IssuedCredential:
    """Sign and store one credential for `designation` over the given validity."""
    with transaction.atomic():
        status_list, index = status.allocate_index()
        issued = IssuedCredential(
            designation=designation,
            status_list=status_list,
            status_index=index,
            valid_from=valid_from,
            valid_until=valid_until,
            issued_at=timezone.now().replace(microsecond=0),
        )
        claims = credential_claims(designation, issued, status.status_entry(status_list, index))
        issued.jwt, issued.kid = keys.sign(claims, typ="vc+jwt")
        issued.save()
    return issued


def issue_for_term(designation: Designation, *, renewal: bool) -> IssuedCredential:
    """The credential of the designation's current term.

    A renewal's term starts at the old anniversary and nothing still valid is revoked; a first
    attainment (or a new one after a lapse) starts at attainment, and any credential of an
    earlier, ended term is revoked.
    """
    previous = designation.credentials.filter(revoked_at__isnull=True).order_by("-valid_until")
    latest = previous.first()
    if renewal and latest is not None:
        valid_from = latest.valid_until
    else:
        status.revoke_designation_credentials(
            designation.pk, reason="A new term of the designation replaced it."
        )
        valid_from = designation.attained_on
    return issue_credential(
        designation, valid_from=valid_from, valid_until=designation.anniversary_on
    )


def claims_of(token: str) -> dict:
    """The payload of a compact JWT, unverified (for display; verification is in verify.py)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def credential_json(issued: IssuedCredential) -> dict:
    """The credential document without the JWT registered claims (the JSON download)."""
    claims = claims_of(issued.jwt)
    return {k: v for k, v in claims.items() if k not in ("iss", "jti", "iat", "nbf", "exp")}


def verification_url(designation: Designation) -> str:
    return settings.SITE_URL + reverse("verify-page", args=[designation.credential_id])


def _identity(kind: str, value: str) -> dict:
    return {
        "type": "IdentityObject",
        "identityType": kind,
        "hashed": False,
        "identityHash": value,
    }


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
