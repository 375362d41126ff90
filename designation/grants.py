"""What enrollment grants (SPEC section 9): the designation and its badge credential, the
early-adoption incentive, the welcome notification. Called by the journey on enrollment."""

import functools
import logging
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction

from designation.credentials.issue import issue_for_term, verification_url
from designation.models import Designation, Enrollment, IncentiveGrant, Membership, ProgramRules
from designation.rules import add_years

logger = logging.getLogger(__name__)

# One advisory-lock key for "who is next in the incentive queue" (arbitrary, fixed).
INCENTIVE_LOCK_KEY = 726_100_001


def enrollment_completed(enrollment: Enrollment, *, on: date) -> Designation:
    """Make the designation active for the enrolled organisation and queue the welcome email."""
    rules = ProgramRules.objects.in_force(on)
    designation = (
        Designation.objects.select_for_update()
        .filter(organization_id=enrollment.organization_id)
        .first()
    )
    renewed = False
    if designation is None:
        designation = Designation.objects.create(
            organization_id=enrollment.organization_id,
            enrollment=enrollment,
            attained_on=on,
            anniversary_on=add_years(on, rules.designation_validity_years),
        )
    elif enrollment.kind == Enrollment.Kind.RENEWAL and designation.is_valid:
        designation.renew(on=on, enrollment=enrollment, years=rules.designation_validity_years)
        designation.save()
        renewed = True
    else:
        designation.reattain(
            on=on,
            anniversary_on=add_years(on, rules.designation_validity_years),
            enrollment=enrollment,
        )
        designation.save()
    issue_for_term(designation, renewal=renewed)
    if enrollment.kind == Enrollment.Kind.FIRST:
        grant_incentive(designation, on=on, rules=rules)
    transaction.on_commit(functools.partial(send_welcome_email, designation.pk))
    return designation


def grant_incentive(designation: Designation, *, on: date, rules: ProgramRules):
    """The first N organisations to attain get the PSfP renewal discount; never more than N.

    Enrollments completing at the same moment queue on one transaction-scoped advisory lock,
    so each sees the grants committed before it and the count cannot overshoot.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INCENTIVE_LOCK_KEY])
    if IncentiveGrant.objects.filter(organization_id=designation.organization_id).exists():
        return None
    granted = IncentiveGrant.objects.count()
    if granted >= rules.incentive_quota:
        return None
    return IncentiveGrant.objects.create(
        organization_id=designation.organization_id,
        position=granted + 1,
        discount_percent=rules.incentive_discount_percent,
        granted_on=on,
        rules_version=rules,
    )


def send_welcome_email(designation_id: int) -> int:
    """The welcome notification to the organisation's admins and the enrollment contact."""
    designation = Designation.objects.select_related("organization", "enrollment").get(
        pk=designation_id
    )
    organization = designation.organization
    recipients = set(
        Membership.objects.filter(organization=organization, role=Membership.Role.ADMIN)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if designation.enrollment.contact_email:
        recipients.add(designation.enrollment.contact_email)
    body = (
        f"Welcome, {organization.legal_name}.\n\n"
        "Your organisation now holds the Support Services designation.\n"
        f"Attained on {designation.attained_on.isoformat()}; valid until "
        f"{designation.anniversary_on.isoformat()}.\n"
        "Download your badge and certificate letter from the portal.\n"
        f"Anyone can verify your badge at {verification_url(designation)}\n"
    )
    sent = send_mail(
        "Your Support Services designation is active",
        body,
        settings.DEFAULT_FROM_EMAIL,
        sorted(recipients),
    )
    logger.info("Welcome email for %s sent to %d recipients", organization, len(recipients))
    return sent
