"""Reads for the public side of a designation: the directory, the badge and its credentials
(scoped by the caller's organisation where they are not public)."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from designation.models import Designation, IssuedCredential, Location, Organization, StatusList
from designation.selectors import organizations_for

# --- The directory -----------------------------------------------------------------------------


def directory(
    *, query: str = "", area: str = "", country: str = "", plan: str = ""
) -> QuerySet[Designation]:
    """The public directory: listed (not lapsed) designations, filtered, in name order."""
    listed = (
        Designation.objects.listed()
        .select_related("organization", "enrollment")
        .prefetch_related(
            Prefetch(
                "organization__locations",
                Location.objects.filter(shows_badge=True),
                to_attr="badge_locations",
            )
        )
    )
    if query:
        listed = listed.filter(
            Q(organization__legal_name__icontains=query) | Q(organization__partner_id=query)
        )
    if area:
        listed = listed.filter(enrollment__solution_areas__contains=[area])
    if country:
        listed = listed.filter(organization__country=country)
    if plan:
        listed = listed.filter(enrollment__support_plan=plan)
    return listed.order_by("organization__legal_name", "id")


def directory_countries() -> list[str]:
    """The countries of listed designations, for the directory's filter."""
    return list(
        Designation.objects.listed()
        .order_by("organization__country")
        .values_list("organization__country", flat=True)
        .distinct()
    )


# --- Badges and credentials ------------------------------------------------------------------


def designation_by_credential(credential_id: str) -> Designation:
    """The designation a public badge credential names (404 when there is none)."""
    return get_object_or_404(
        Designation.objects.select_related("organization"), credential_id=credential_id
    )


def credential_history(designation: Designation) -> list[IssuedCredential]:
    """Every credential issued for the designation, newest term first."""
    return list(designation.credentials.order_by("-valid_from", "-id"))


def current_credential(history: list[IssuedCredential], *, today: date) -> IssuedCredential | None:
    """The unrevoked credential in force today, else the newest unrevoked one, else the newest
    (revoked) one."""
    live = [c for c in history if c.revoked_at is None]
    in_force = [c for c in live if c.valid_from <= today]
    return (in_force or live or history or [None])[0]


def badge_of(user, organization_id) -> tuple[Organization, Designation | None]:
    """The organisation (scoped: 404 otherwise), its designation and its chosen locations."""
    organization = get_object_or_404(
        organizations_for(user).prefetch_related("locations"), pk=organization_id
    )
    designation = (
        Designation.objects.filter(organization=organization).select_related("organization").first()
    )
    return organization, designation


def listed_badge_of(
    user, organization_id, *, require_credential: bool = True
) -> tuple[Designation, IssuedCredential | None]:
    """The badge to download: a listed designation and its current credential; 404 otherwise
    (the letter can do without a credential)."""
    organization = get_object_or_404(organizations_for(user), pk=organization_id)
    designation = get_object_or_404(
        Designation.objects.listed().select_related("organization"), organization=organization
    )
    credential = current_credential(credential_history(designation), today=timezone.localdate())
    if credential is not None and credential.revoked_at is not None:
        credential = None
    if credential is None and require_credential:
        raise Http404("No credential has been issued for this designation yet.")
    return designation, credential


def listed_designation_by_credential(credential_id: str) -> Designation:
    """A listed designation by its public badge id (for the public badge image)."""
    return get_object_or_404(
        Designation.objects.listed().select_related("organization"), credential_id=credential_id
    )


def status_list(status_list_id: int) -> StatusList:
    return get_object_or_404(StatusList, pk=status_list_id)
