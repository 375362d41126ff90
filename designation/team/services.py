"""Writes on an organisation's team. Each one locks the organisation row (so two admins acting at
once cannot both demote the last admin), checks the caller, writes, records the change and
emails the people affected once the transaction has committed."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from designation.models import Invitation, Membership, MembershipChange, Organization
from designation.models.team import INVITATION_VALIDITY, new_invitation_key
from designation.team import notify, tokens
from designation.team.rules import display_name, leaves_no_admin
from portal.errors import ConditionFailed, Forbidden, NotFound
from portal.roles import forget_roles

User = get_user_model()
ADMINS_ONLY = "Only a partner admin of this organisation can manage its users."
Action = MembershipChange.Action


def name_of(user) -> str:
    return display_name(user.first_name, user.last_name, user.get_username())


def _locked_organization(organization_id: int, by) -> Organization:
    """The organisation, locked for this transaction; 404 unless `by` may see it, 403 unless
    they are its partner admin."""
    organization = Organization.objects.select_for_update().filter(pk=organization_id).first()
    if organization is None or not by.has_perm("designation.view_organization_data", organization):
        raise NotFound("No such organisation.")
    if not by.has_perm("designation.manage_team", organization):
        raise Forbidden(ADMINS_ONLY)
    return organization


def _record(organization, by, action, subject: str, *, old_role="", new_role="") -> None:
    MembershipChange.objects.create(
        organization=organization,
        by=by,
        by_name=name_of(by) if by is not None else "system",
        action=action,
        subject_name=subject,
        old_role=old_role,
        new_role=new_role,
    )


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ConditionFailed("Choose a role: partner admin or partner member.", field="role")


def team_invite(*, organization_id: int, by, email: str, role: str) -> Invitation:
    """Invite `email` to the organisation with `role`; emails a link valid for seven days."""
    email = User.objects.normalize_email(email.strip()).lower()
    with transaction.atomic():
        organization = _locked_organization(organization_id, by)
        _check_role(role)
        if organization.memberships.filter(user__email__iexact=email).exists():
            raise ConditionFailed(
                f"{email} is already a member of this organisation.", field="email"
            )
        if organization.invitations.open().filter(email__iexact=email).exists():
            raise ConditionFailed(
                f"{email} has already been invited: resend that invitation instead.", field="email"
            )
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            invited_by=by,
            expires_at=timezone.now() + INVITATION_VALIDITY,
        )
        _record(organization, by, Action.INVITED, email, new_role=role)
        transaction.on_commit(lambda: notify.invitation(invitation, tokens.token_for(invitation)))
    return invitation


def _locked_open_invitation(invitation_id: int, by) -> Invitation:
    organization_id = (
        Invitation.objects.filter(pk=invitation_id)
        .values_list("organization_id", flat=True)
        .first()
    )
    if organization_id is None:
        raise NotFound("No such invitation.")
    _locked_organization(organization_id, by)
    invitation = Invitation.objects.select_related("organization").get(pk=invitation_id)
    if invitation.accepted_at or invitation.revoked_at:
        raise ConditionFailed(f"This invitation was already {invitation.status}.")
    return invitation


def invitation_resend(*, invitation_id: int, by) -> Invitation:
    """Send the invitation again with a new link (the old one stops working) valid seven days."""
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation_id, by)
        invitation.key = new_invitation_key()
        invitation.sent_at = timezone.now()
        invitation.expires_at = invitation.sent_at + INVITATION_VALIDITY
        invitation.save(update_fields=["key", "sent_at", "expires_at"])
        _record(invitation.organization, by, Action.RESENT, invitation.email)
        transaction.on_commit(lambda: notify.invitation(invitation, tokens.token_for(invitation)))
    return invitation


def invitation_revoke(*, invitation_id: int, by) -> Invitation:
    """Withdraw an invitation: its link stops working."""
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation_id, by)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _record(invitation.organization, by, Action.REVOKED, invitation.email)
        transaction.on_commit(lambda: notify.revoked(invitation))
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The open invitation a link points at, or a refusal saying why the link is no good."""
    pk, key = tokens.invitation_id_from(token)
    invitation = Invitation.objects.select_related("organization").filter(pk=pk).first()
    if invitation is None:
        raise ConditionFailed("This invitation no longer exists: ask your partner admin again.")
    tokens.check_key(invitation, key)
    if invitation.expires_at <= timezone.now():
        raise ConditionFailed(
            "This invitation link has expired. Ask your partner admin to resend it."
        )
    return invitation


def accepted_by(token: str, user) -> Invitation | None:
    """The invitation of this link if `user` already accepted it (e.g. at a Microsoft sign-in)."""
    if not user.is_authenticated:
        return None
    try:
        pk, _ = tokens.invitation_id_from(token)
    except ConditionFailed:
        return None
    return Invitation.objects.filter(pk=pk, accepted_by=user).first()


def _join(invitation: Invitation, user) -> Membership:
    """Spend the invitation on `user`: they become a member (or keep their membership) with its
    role. The caller holds the organisation's lock."""
    membership, created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.key = new_invitation_key()  # single use: the link dies with its key
    invitation.save(update_fields=["accepted_at", "accepted_by", "key"])
    forget_roles(user)  # this request's user has a new membership: read the roles again
    if created:
        _record(
            invitation.organization, user, Action.JOINED, name_of(user), new_role=invitation.role
        )
        transaction.on_commit(lambda: notify.joined(membership))
    return membership


def invitation_accept(*, token: str, user) -> Membership:
    """The signed-in `user` accepts the invitation the link carries."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        Organization.objects.select_for_update().get(pk=invitation.organization_id)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_for_token(token)  # again, under the lock: two clicks, one membership
        return _join(invitation, user)


def invitation_accept_new_account(
    *, token: str, first_name: str, last_name: str, password: str
) -> User:
    """Create the invited person's account (user name = the invited email) and accept."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ConditionFailed(
                f"An account for {invitation.email} exists already: sign in, then open the link."
            )
        user = User(
            username=invitation.email[:150],
            email=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ConditionFailed(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise ConditionFailed("That account exists already: sign in instead.") from exc
        invitation_accept(token=token, user=user)
    return user


def accept_invitations_for_new_sign_in(*, email: str, **names) -> User | None:
    """For a first sign-in with an external provider: create the account of someone holding a
    usable invitation for their verified `email` and accept it; None for a stranger."""
    invitations = list(Invitation.objects.usable().filter(email__iexact=email).order_by("id"))
    if not invitations:
        return None
    with transaction.atomic():
        user = User.objects.create_user(username=email.lower()[:150], email=email.lower(), **names)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        for invitation in invitations:
            Organization.objects.select_for_update().get(pk=invitation.organization_id)
            _join(invitation, user)
    return user


def _locked_membership(membership_id: int, by) -> Membership:
    organization_id = (
        Membership.objects.filter(pk=membership_id)
        .values_list("organization_id", flat=True)
        .first()
    )
    if organization_id is None:
        raise NotFound("No such member.")
    _locked_organization(organization_id, by)
    return Membership.objects.select_related("user", "organization").get(pk=membership_id)


def _guard_last_admin(membership: Membership, new_role: str | None) -> None:
    roles = membership.organization.memberships.values_list("role", flat=True)
    if leaves_no_admin(roles, current_role=membership.role, new_role=new_role):
        what = "removed" if new_role is None else "made a partner member"
        raise ConditionFailed(
            f"{name_of(membership.user)} is the last partner admin of "
            f"{membership.organization.legal_name} and cannot be {what}: make someone else a "
            "partner admin first."
        )


def member_change_role(*, membership_id: int, by, role: str) -> Membership:
    """Give a member another role; the last partner admin cannot be demoted."""
    with transaction.atomic():
        membership = _locked_membership(membership_id, by)
        _check_role(role)
        if membership.role == role:
            return membership
        _guard_last_admin(membership, role)
        old_role, membership.role = membership.role, role
        membership.save(update_fields=["role"])
        _record(
            membership.organization,
            by,
            Action.ROLE_CHANGED,
            name_of(membership.user),
            old_role=old_role,
            new_role=role,
        )
        transaction.on_commit(lambda: notify.role_changed(membership, by=by))
    return membership


def member_remove(*, membership_id: int, by) -> None:
    """Remove a person from the organisation (their account stays); never the last admin."""
    with transaction.atomic():
        membership = _locked_membership(membership_id, by)
        _guard_last_admin(membership, None)
        user, organization = membership.user, membership.organization
        membership.delete()
        _record(organization, by, Action.REMOVED, name_of(user), old_role=membership.role)
        transaction.on_commit(lambda: notify.removed(user, organization, by=by))
