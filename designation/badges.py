"""Writes about the badge: which of the organisation's locations show it (SPEC section 2)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from designation.models import Location, Organization
from designation.permissions import is_partner_admin


def set_badge_locations(*, organization_id: int, by, location_ids: set[int]) -> int:
    """The PGA's partner admin chooses the locations that show the badge; the others stop.

    Returns how many locations now show it. Ids of another organisation's locations are ignored.
    """
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization_id)
        if not is_partner_admin(by, organization):
            raise PermissionDenied("Only a partner admin chooses where the badge is shown.")
        locations = Location.objects.filter(organization=organization)
        locations.exclude(pk__in=location_ids).update(shows_badge=False)
        return locations.filter(pk__in=location_ids).update(shows_badge=True)
