"""What the public verification page and API say about one badge: the designation's status, the
check of its current credential's signature and status bit, and the history of its credentials."""

from datetime import date

from django.conf import settings
from django.urls import reverse

from designation import badge_selectors
from designation.credentials import keys, status, verify
from designation.models import Designation, IssuedCredential


def credential_entry(credential: IssuedCredential, *, today: date) -> dict:
    return {
        "id": credential.urn,
        "valid_from": credential.valid_from,
        "valid_until": credential.valid_until,
        "issued_at": credential.issued_at,
        "status": status.status_of(credential, today=today),
        "revocation_reason": credential.revocation_reason
        or (status.LAPSED_REASON if status.is_revoked(credential) else ""),
        "status_list": status.status_list_url(credential.status_list_id),
        "status_index": credential.status_index,
    }


def verification_of(designation: Designation, *, today: date) -> dict:
    """The designation, its current credential checked as a verifier would, and its history."""
    history = badge_selectors.credential_history(designation)
    current = badge_selectors.current_credential(history, today=today)
    check = verify.check_token(current.jwt, today=today) if current else None
    organization = designation.organization
    return {
        "credential_id": designation.credential_id,
        "organization": organization.legal_name,
        "partner_id": organization.partner_id,
        "designation": "Support Services",
        "status": "active" if designation.is_valid else "expired",
        "state": designation.state,
        "state_label": designation.get_state_display(),
        "attained_on": designation.attained_on,
        "valid_until": designation.anniversary_on,
        "signature": check.signature if check else "none issued",
        "credential_status": check.status if check else "none issued",
        "summary": _summary(designation, check),
        "issuer": keys.issuer_did(),
        "did_document": settings.SITE_URL + reverse("did-document"),
        "current_credential": current.urn if current else None,
        "credentials": [credential_entry(c, today=today) for c in history],
    }


def _summary(designation: Designation, check: verify.CredentialCheck | None) -> str:
    name = designation.organization.legal_name
    if not designation.is_valid:
        return (
            f"{name} no longer holds the Support Services designation: it lapsed and its "
            "credentials are revoked."
        )
    if check is None:
        return f"{name} holds the Support Services designation; no credential is issued yet."
    return f"{name} holds the Support Services designation. {check.summary}"
