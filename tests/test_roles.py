"""The one role lookup per request (portal/roles.py), compiled once and bound to each user."""

import pytest

from designation import notifications
from designation.models import Notification
from portal import roles
from tests.designation import factories

pytestmark = pytest.mark.django_db


def test_the_compiled_lookup_answers_what_the_orm_lookup_answers(
    org, partner_admin, reviewer, auditor, django_assert_num_queries
):
    factories.MembershipFactory(user=partner_admin, organization=factories.OrganizationFactory())
    notifications.deliver(
        kind=Notification.Kind.AUDIT_CLAIMED,
        key="roles",
        recipient_ids=[partner_admin.pk],
        title="Your audit was claimed",
    )
    for user in (partner_admin, reviewer, auditor):
        with django_assert_num_queries(1):
            compiled = roles._role_row(user.pk)
        assert compiled == roles._lookup(user.pk).first()
    assert len(roles._role_row(partner_admin.pk)["role_memberships"]) == 2
    assert roles._role_row(partner_admin.pk)["role_unread_notifications"] == 1
    assert roles._role_row(reviewer.pk)["role_groups"] == ["Microsoft reviewer"]
    assert roles._role_row(-1) is None


def test_each_user_gets_their_own_roles_from_the_one_compiled_query(partner_admin, reviewer):
    assert roles.roles_of(reviewer).reviewer
    assert not roles.roles_of(partner_admin).reviewer
    assert roles.roles_of(partner_admin).extras["memberships"][0]["role"] == "admin"


def test_the_sessions_user_and_their_roles_come_in_one_query(
    org, partner_admin, reviewer, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    from designation.team.oidc import PortalOIDCBackend
    from portal.backends import PortalModelBackend

    for backend in (PortalModelBackend(), PortalOIDCBackend()):
        for user in (partner_admin, reviewer):
            with django_assert_num_queries(1):
                signed_in = backend.get_user(user.pk)
                found = roles.roles_of(signed_in)
            expected = get_user_model().objects.get(pk=user.pk)
            assert signed_in == expected and signed_in.__dict__.keys() >= {"password", "email"}
            fields = [f.attname for f in get_user_model()._meta.concrete_fields]
            assert [getattr(signed_in, f) for f in fields] == [getattr(expected, f) for f in fields]
            assert found == roles.Roles(
                superuser=expected.is_superuser,
                groups=frozenset(expected.groups.values_list("name", flat=True)),
                authenticator_chosen=False,
                extras=found.extras,
            )
            assert found.extras == roles.roles_of(expected).extras
        assert backend.get_user(-1) is None
    partner_admin.is_active = False
    partner_admin.save(update_fields=["is_active"])
    assert PortalModelBackend().get_user(partner_admin.pk) is None  # deactivated: signed out
    assert PortalOIDCBackend().get_user(partner_admin.pk) is None
