"""portal/compiled.py: a queryset compiled once per thread and shape, bound per call, answers as
the ORM does; a value that never reaches the SQL's parameters is refused."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from designation.models import Enrollment
from portal import compiled
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db


def test_each_call_binds_its_own_values(partner_admin, reviewer):
    def build(user_id):
        return get_user_model().objects.filter(pk=user_id).values("id", "username")

    for user in (partner_admin, reviewer, partner_admin):
        assert compiled.rows(("test users",), build, user_id=user.pk) == [
            {"id": user.pk, "username": user.username}
        ]
    assert compiled.rows(("test users",), build, user_id=-1) == []


def test_days_and_ids_bind_in_their_places(org):
    enrollment = enrollment_at("performance", organization=org)

    def build(organization_id, since):
        return Enrollment.objects.filter(
            organization_id=organization_id, created_at__date__gte=since
        ).values("id")

    shape = ("test enrollments",)
    assert compiled.rows(shape, build, organization_id=org.pk, since=date(2000, 1, 1)) == [
        {"id": enrollment.pk}
    ]
    assert compiled.rows(shape, build, organization_id=org.pk, since=date(2999, 1, 1)) == []


def test_a_value_not_in_the_parameters_is_refused(partner_admin):
    def build(user_id):
        return get_user_model().objects.filter(pk=partner_admin.pk).values("id")  # ignores it

    with pytest.raises(ValueError, match="user_id"):
        compiled.rows(("test refused",), build, user_id=partner_admin.pk)


def test_a_shape_that_matches_nothing_answers_no_rows(partner_admin):
    def build(user_id):
        return get_user_model().objects.filter(pk=user_id, pk__in=[]).values("id")

    assert compiled.rows(("test empty",), build, user_id=partner_admin.pk) == []
