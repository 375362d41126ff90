"""Open Badges 3.0 credentials issued for designations, the status lists that revoke them, and
the public keys that signed them (kept published after a key rotation)."""

import uuid

from django.db import models

from designation.models.grants import Designation
from portal import bounds

# The Bitstring Status List recommends at least 131,072 entries so that one credential's index
# says nothing about when it was issued or to whom (herd privacy).
STATUS_LIST_SIZE = 131_072


class CredentialKey(models.Model):
    """A public key that has signed credentials; every one stays in the DID document."""

    kid = models.CharField(max_length=64, unique=True, help_text="RFC 7638 JWK thumbprint.")
    public_jwk = models.JSONField()
    first_used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_used_at", "-id"]

    def __str__(self) -> str:
        return f"Credential signing key {self.kid}"


class StatusList(models.Model):
    """One W3C Bitstring Status List (revocation); credentials take random free indices."""

    purpose = models.CharField(max_length=20, default="revocation")
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Status list {self.pk} ({self.purpose})"


class IssuedCredential(models.Model):
    """One signed OpenBadgeCredential of a designation (first attainment or a renewal)."""

    designation = models.ForeignKey(
        Designation, on_delete=models.PROTECT, related_name="credentials"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    valid_from = models.DateField()
    valid_until = models.DateField()
    issued_at = models.DateTimeField()
    kid = models.CharField(max_length=64)
    jwt = models.TextField(help_text="The compact VC-JWT as issued.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            bounds.in_order("valid_from", "valid_until", "credential_valid_from_by_until"),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_credential_per_status_bit"
            ),
        ]
        indexes = [models.Index(fields=["status_list", "revoked_at"])]

    def __str__(self) -> str:
        return f"Credential urn:uuid:{self.uuid} of {self.designation_id}"

    @property
    def urn(self) -> str:
        return f"urn:uuid:{self.uuid}"
