"""Revocation through a W3C Bitstring Status List: each credential holds one random bit of a
list; the list credential is signed and served at a stable URL; lapsed designations' bits are set
by one statement for all of them."""

import base64
import gzip
import secrets
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from designation.credentials import keys
from designation.models import Designation, IssuedCredential, StatusList

REVOCATION = "revocation"
# What one credential's status can be, in words (status_of).
CREDENTIAL_STATUSES = ["active", "expired", "revoked", "not yet valid"]
LAPSED_REASON = "The designation lapsed: it was not renewed within its renewal window."
# A served list is fresh for a day; verifiers refuse a stale one (a replayed old list).
LIST_VALIDITY = timedelta(days=1)


def status_list_url(status_list_id: int) -> str:
    return settings.SITE_URL + reverse("credential-status-list", args=[status_list_id])


def allocate_index() -> tuple[StatusList, int]:
    """A random unused index in the current revocation list (a new list once half full).

    Call inside a transaction: the list row is locked so two issuers cannot take one bit.
    """
    status_list = (
        StatusList.objects.select_for_update().filter(purpose=REVOCATION).order_by("-id").first()
    )
    used = set()
    if status_list is not None:
        used = set(
            IssuedCredential.objects.filter(status_list=status_list).values_list(
                "status_index", flat=True
            )
        )
    if status_list is None or len(used) >= status_list.size // 2:
        status_list, used = StatusList.objects.create(purpose=REVOCATION), set()
    while True:  # at most half the bits are taken, so this ends quickly
        index = secrets.randbelow(status_list.size)
        if index not in used:
            return status_list, index


def revoke_lapsed(*, at: datetime | None = None) -> int:
    """Set the revocation bit of every credential of a lapsed designation, in one UPDATE.

    For the nightly job after it moved designations for the day; returns how many were revoked.
    """
    return IssuedCredential.objects.filter(
        revoked_at__isnull=True, designation__state=Designation.State.LAPSED
    ).update(revoked_at=at or timezone.now(), revocation_reason=LAPSED_REASON)


def revoke_designation_credentials(designation_id: int, *, reason: str) -> int:
    """Revoke every credential of one designation still unrevoked (a term that ended)."""
    return IssuedCredential.objects.filter(
        designation_id=designation_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revocation_reason=reason)


def encoded_list(size: int, revoked: list[int]) -> str:
    """The Bitstring Status List `encodedList`: multibase base64url (`u`) of the GZIP'd bits,
    index 0 being the first byte's high bit."""
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list_credential(status_list: StatusList, *, now: datetime | None = None) -> str:
    """The signed BitstringStatusListCredential (VC-JWT) of one list, as of now."""
    now = (now or timezone.now()).replace(microsecond=0)
    until = now + LIST_VALIDITY
    # A lapsed designation's bits are set from the moment it lapses, before revoke_lapsed stamps
    # them (one query either way).
    revoked = list(
        IssuedCredential.objects.filter(status_list=status_list)
        .filter(Q(revoked_at__isnull=False) | Q(designation__state=Designation.State.LAPSED))
        .values_list("status_index", flat=True)
    )
    url = status_list_url(status_list.pk)
    did = keys.issuer_did()
    claims = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": _stamp(now),
        "validUntil": _stamp(until),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encoded_list(status_list.size, revoked),
        },
        "iss": did,
        "jti": url,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(until.timestamp()),
    }
    token, _ = keys.sign(claims, typ="vc+jwt")
    return token


def status_entry(status_list: StatusList, index: int) -> dict:
    """The `credentialStatus` of a credential holding `index` in `status_list`."""
    url = status_list_url(status_list.pk)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_list.purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def is_revoked(credential: IssuedCredential) -> bool:
    """Its bit is set: revoked, or its designation lapsed (as the status list says)."""
    return (
        credential.revoked_at is not None
        or credential.designation.state == Designation.State.LAPSED
    )


def status_of(credential: IssuedCredential, *, today: date) -> str:
    """One credential in words: revoked, not yet valid, expired or active."""
    if is_revoked(credential):
        return "revoked"
    if today < credential.valid_from:
        return "not yet valid"
    if today >= credential.valid_until:
        return "expired"
    return "active"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
