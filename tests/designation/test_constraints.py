"""The database keeps every bounded number of designation in its range (portal/bounds.py), even
when a write goes past the forms; the pages that type those numbers answer with the range."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse

from designation.models import Designation, Enrollment, ProgramRules, SolutionsPartnerDesignation
from designation.models.organizations import PROGRAM_RULES_RANGES
from tests.designation import factories

pytestmark = pytest.mark.django_db


def _refused(queryset, **values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


def _beyond(allowed) -> list:
    step = Decimal(1).scaleb(-allowed.places)
    return [allowed.low - step, allowed.high + step]


@pytest.mark.parametrize("name", sorted(PROGRAM_RULES_RANGES))
def test_the_database_refuses_program_rules_outside_their_range(name):
    rules = ProgramRules.objects.all()
    for value in _beyond(PROGRAM_RULES_RANGES[name]):
        _refused(rules, **{name: value})
    assert ProgramRules.objects.filter(**{name: PROGRAM_RULES_RANGES[name].high}).count() == 0


@pytest.mark.parametrize(
    "name", ["performance_points", "skilling_points", "customer_success_points"]
)
def test_the_database_refuses_capability_points_over_100(org, name):
    held = SolutionsPartnerDesignation.objects.filter(organization=org)
    _refused(held, **{name: 101})
    held.update(**{name: 100})  # the top of the range is kept
    assert held.get().__dict__[name] == 100


def test_the_database_refuses_dates_out_of_order(org):
    held = SolutionsPartnerDesignation.objects.filter(organization=org).get()
    _refused(
        SolutionsPartnerDesignation.objects.filter(pk=held.pk),
        anniversary_on=held.attained_on - timedelta(days=1),
    )
    enrollment = factories.enrollment_at("performance", organization=org)
    day = enrollment.created_at.date()
    _refused(
        Enrollment.objects.filter(pk=enrollment.pk),
        performance_started_on=day,
        performance_window_ends_on=day - timedelta(days=1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(
            organization=org,
            enrollment=enrollment,
            attained_on=day,
            anniversary_on=day - timedelta(1),
        )


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-for-tests"))
    return client


def _program_rules_data(**changes) -> dict:
    rules = ProgramRules.objects.order_by("-effective_from").first()
    data = {name: getattr(rules, name) for name in PROGRAM_RULES_RANGES}
    return {**data, "effective_from": "2030-01-01", "note": "Bounds", **changes}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("csat_minimum", "6"),
        ("case_rate_target", "99999999999999999999"),
        ("appeal_window_days", "-1"),
    ],
)
def test_the_program_rules_admin_page_says_the_range_instead_of_failing(
    superuser_client, name, value
):
    before = ProgramRules.objects.count()
    url = reverse("admin:designation_programrules_add")
    answer = superuser_client.post(url, _program_rules_data(**{name: value}))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert PROGRAM_RULES_RANGES[name].words() in page
    assert "Ensure that there are no more than" not in page
    assert ProgramRules.objects.count() == before
    answer = superuser_client.post(url, _program_rules_data())
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert ProgramRules.objects.count() == before + 1
