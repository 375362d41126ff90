"""Team pages: the Users page of an organisation, invitations and the member actions, and the
public page where an invited person accepts."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from designation.team import selectors, services
from designation.team.forms import InviteForm, NewAccountForm, RoleForm
from portal.errors import Forbidden, JourneyError


def _admin_organization(request: HttpRequest, organization_id: int):
    organization = selectors.team_organization_for(request.user, organization_id)
    if not request.user.has_perm("designation.manage_team", organization):
        raise PermissionDenied(services.ADMINS_ONLY)
    return organization


def _refused(request: HttpRequest, exc: JourneyError, form=None) -> None:
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message)
    if form is not None and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    elif form is not None:
        form.add_error(None, exc.message)
    else:
        messages.error(request, exc.message)


@login_required
def team(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The organisation's members and, for its partner admins, invitations and the change log."""
    organization = selectors.team_organization_for(request.user, organization_id)
    can_manage = request.user.has_perm("designation.manage_team", organization)
    context = {
        "organization": organization,
        "nav_section": "team",
        "members": selectors.members_of(organization),
        "can_manage": can_manage,
    }
    if can_manage:
        context["invitations"] = selectors.open_invitations_of(organization)
        context["changes"] = selectors.changes_of(organization)
        context["form"] = InviteForm()
    return render(request, "designation/team/team.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = _admin_organization(request, organization_id)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.team_invite(
                organization_id=organization.pk, by=request.user, **form.cleaned_data
            )
        except JourneyError as exc:
            _refused(request, exc, form)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("team", organization_id=organization.pk)
    return render(
        request,
        "designation/team/invite.html",
        {"organization": organization, "nav_section": "team", "form": form},
    )


@login_required
@require_POST
def invitation_action(
    request: HttpRequest, organization_id: int, invitation_id: int, action: str
) -> HttpResponse:
    """Resend or revoke an open invitation."""
    organization = _admin_organization(request, organization_id)
    invitation = selectors.invitation_in(organization, invitation_id)
    service = {"resend": services.invitation_resend, "revoke": services.invitation_revoke}[action]
    try:
        service(invitation_id=invitation.pk, by=request.user)
    except JourneyError as exc:
        _refused(request, exc)
    else:
        done = "sent again" if action == "resend" else "revoked"
        messages.success(request, f"The invitation of {invitation.email} was {done}.")
    return redirect("team", organization_id=organization.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_role(request: HttpRequest, organization_id: int, membership_id: int) -> HttpResponse:
    organization = _admin_organization(request, organization_id)
    membership = selectors.membership_in(organization, membership_id)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_change_role(
                membership_id=membership.pk, by=request.user, role=form.cleaned_data["role"]
            )
        except JourneyError as exc:
            _refused(request, exc, form)
        else:
            messages.success(request, f"{services.name_of(membership.user)}'s role was changed.")
            return redirect("team", organization_id=organization.pk)
    return render(
        request,
        "designation/team/member_role.html",
        {"organization": organization, "nav_section": "team", "form": form, "member": membership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, organization_id: int, membership_id: int) -> HttpResponse:
    """Confirm, then remove the person from the organisation."""
    organization = _admin_organization(request, organization_id)
    membership = selectors.membership_in(organization, membership_id)
    if request.method == "POST":
        try:
            services.member_remove(membership_id=membership.pk, by=request.user)
        except JourneyError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request, f"{services.name_of(membership.user)} was removed from the organisation."
            )
            if membership.user_id == request.user.pk:
                return redirect("home")
        return redirect("team", organization_id=organization.pk)
    return render(
        request,
        "designation/team/member_remove.html",
        {"organization": organization, "nav_section": "team", "member": membership},
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: a signed-in person joins; someone new creates their account here."""
    done = services.accepted_by(token, request.user)
    if done is not None:
        messages.info(request, f"You are a member of {done.organization.legal_name}.")
        return redirect("organization-overview", organization_id=done.organization_id)
    try:
        invitation = services.invitation_for_token(token)
    except JourneyError as exc:
        return render(
            request, "designation/team/invitation_invalid.html", {"reason": exc.message}, status=400
        )
    user = request.user
    form = None if user.is_authenticated else NewAccountForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                services.invitation_accept(token=token, user=user)
            else:
                user = services.invitation_accept_new_account(token=token, **form.cleaned_data)
                login(request, user, backend="portal.backends.PortalModelBackend")
        except JourneyError as exc:
            _refused(request, exc, form)
        else:
            messages.success(request, f"Welcome to {invitation.organization.legal_name}.")
            return redirect("organization-overview", organization_id=invitation.organization_id)
    return render(
        request,
        "designation/team/invitation_accept.html",
        {"invitation": invitation, "form": form, "token": token},
    )
