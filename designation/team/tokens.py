"""Invitation links: signed (django.core.signing), single-use (the invitation's key is spent on
acceptance and replaced on resend) and valid for seven days from when they were sent."""

import hmac

from django.core import signing

from designation.models.team import INVITATION_VALIDITY, Invitation
from portal.errors import ConditionFailed

SALT = "designation.team.invitation"


def token_for(invitation: Invitation) -> str:
    """The token in the invitation's emailed link."""
    return signing.TimestampSigner(salt=SALT).sign(f"{invitation.pk}.{invitation.key}")


def invitation_id_from(token: str) -> tuple[int, str]:
    """(invitation id, key) from a token that is genuine and under seven days old."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=INVITATION_VALIDITY)
    except signing.SignatureExpired as exc:
        raise ConditionFailed(
            "This invitation link has expired (links last seven days). Ask your partner admin "
            "to resend it."
        ) from exc
    except signing.BadSignature as exc:
        raise ConditionFailed(
            "This invitation link is not valid: check you copied all of it."
        ) from exc
    pk, _, key = value.partition(".")
    if not pk.isdigit():
        raise ConditionFailed("This invitation link is not valid: check you copied all of it.")
    return int(pk), key


def check_key(invitation: Invitation, key: str) -> None:
    """Refuse a link whose invitation was resent (new key), revoked or already accepted."""
    if invitation.accepted_at is not None:
        raise ConditionFailed("This invitation has already been accepted: sign in instead.")
    if invitation.revoked_at is not None:
        raise ConditionFailed("This invitation was revoked by a partner admin.")
    if not hmac.compare_digest(invitation.key, key):
        raise ConditionFailed(
            "This invitation link was replaced by a newer one: use the latest email you got."
        )
