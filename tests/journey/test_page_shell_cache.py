"""The page shell's header and navigation, cached per process (base.html's {% cache %}
fragments, keyed by journey.context_processors.navigation's nav_key with the organisation and
the section): whatever they show changes on the next page."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.urls import reverse, set_script_prefix

from designation.models import Notification
from portal.roles import REVIEWERS
from tests.designation import factories

pytestmark = pytest.mark.django_db


def shell(client, org, name="organization-overview", path=None) -> str:
    response = client.get(path or reverse(name, args=[org.pk]))
    assert response.status_code == 200
    html = response.content.decode().split('<main id="main"', 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)  # masked anew each time


def test_each_change_the_shell_shows_is_on_the_next_page(client, org, other_org, partner_admin):
    client.force_login(partner_admin)
    first = shell(client, org)
    assert shell(client, org) == first  # from the cache now
    assert org.legal_name in first and 'class="count">0<' in first

    # The organisation renamed: the switcher and the navigation's heading.
    org.legal_name = "Renamed Partner Ltd"
    org.save(update_fields=["legal_name"])
    html = shell(client, org)
    assert html.count("Renamed Partner Ltd") >= 2

    # A notification: the bell.
    Notification.objects.create(
        recipient=partner_admin,
        kind=Notification.Kind.values[0],
        key="shell-test",
        title="A new thing",
        link="/",
    )
    assert 'class="count">1<' in shell(client, org)

    # A second organisation joined: the switcher lists it, with the role.
    factories.MembershipFactory(user=partner_admin, organization=other_org, role="member")
    assert other_org.legal_name in shell(client, org)

    # The user's own name.
    partner_admin.first_name, partner_admin.last_name = "Ada", "Lovelace"
    partner_admin.save(update_fields=["first_name", "last_name"])
    assert "Ada Lovelace" in shell(client, org)

    # A staff role: the program's section.
    assert "Program insights" not in shell(client, org)
    partner_admin.groups.add(Group.objects.get_or_create(name=REVIEWERS)[0])
    client.force_login(partner_admin)  # staff sign in again, with their second factor
    assert "Program insights" in shell(client, org)


def test_the_section_shown_is_marked_on_each_page(client, org, partner_admin):
    client.force_login(partner_admin)
    overview = shell(client, org)
    team = shell(client, org, "team")
    assert overview != team
    overview_link = reverse("organization-overview", args=[org.pk])
    assert f'href="{overview_link}" aria-current="page"' in overview
    assert f'href="{reverse("team", args=[org.pk])}" aria-current="page"' in team
    assert shell(client, org) == overview


def test_each_user_sees_their_own_shell(client, org, partner_admin, partner_member):
    partner_member.first_name = "Grace"
    partner_member.save(update_fields=["first_name"])
    client.force_login(partner_admin)
    admin_view = shell(client, org)
    client.force_login(partner_member)
    member_view = shell(client, org)
    assert "Grace" in member_view and "Grace" not in admin_view


def test_the_shell_comes_from_the_cache_when_nothing_changed(client, org, partner_admin):
    client.force_login(partner_admin)
    caches["fragments"].clear()
    shell(client, org)
    stored = len(caches["fragments"]._cache)
    assert stored >= 2  # the header and the navigation (and the dashboard's content)
    shell(client, org)
    assert len(caches["fragments"]._cache) == stored


def test_links_follow_the_address_prefix_the_portal_is_served_under(client, org, partner_admin):
    client.force_login(partner_admin)
    team = reverse("team", args=[org.pk])
    plain = shell(client, org)
    overview = reverse("organization-overview", args=[org.pk])
    set_script_prefix("/portal/")  # as gunicorn's WSGI handler does for SCRIPT_NAME=/portal
    try:
        prefixed = shell(client, org, path=overview)
    finally:
        set_script_prefix("/")
    assert f'href="/portal{team}"' in prefixed and f'href="/portal{team}"' not in plain
    assert f'href="{team}"' in shell(client, org)
