"""Every page's query count is fixed: pinned here for each demo organisation, from one waiting
for review (Fabrikam) to one with a whole first journey, its designation and a renewal under way
(Woodgrove). That it does not grow with the size of the history is pinned in test_dashboard.py
and tests/designation/test_views.py."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designation.models import Designation, Enrollment, Membership

pytestmark = pytest.mark.django_db

# The most queries each partner page may run: session, user and the one role lookup per request
# (groups, memberships for the navigation, the bell's unread count: portal/roles.py) included.
PARTNER_PAGES = {
    "organization-overview": 10,  # issue 17's target: 10 (tests/journey/test_dashboard.py)
    "organization-settings": 5,
    "enrollment-page": 9,
    "organization-assessments": 7,
    "badge": 8,
    "metrics-overview": 9,
}
# Staff pages, with the most queries each may run (plus the second factor's device).
STAFF_PAGES = {
    ("reviewer", "review-queues"): 7,
    ("reviewer", "organization-index"): 7,
    ("auditor", "audit-index"): 7,
}


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _partner_url(name: str, username: str) -> str:
    organization = Membership.objects.get(user__username=username).organization
    if name == "enrollment-page":
        enrollment = Enrollment.objects.filter(organization=organization).latest("created_at")
        return reverse(name, args=[enrollment.pk])
    return reverse(name, args=[organization.pk])


DEMO_PARTNERS = ("fabrikam", "northwind", "wingtip", "proseware", "tailspin", "woodgrove")


@pytest.mark.parametrize("name", list(PARTNER_PAGES))
def test_partner_pages_query_count_is_pinned_at_every_step(client, demo, name):
    counts = {}
    for username in DEMO_PARTNERS:
        client.force_login(User.objects.get(username=username))
        _count(client, _partner_url(name, username))  # the session's first request
        counts[username] = _count(client, _partner_url(name, username))
    assert max(counts.values()) <= PARTNER_PAGES[name], counts


@pytest.mark.parametrize(("username", "name"), list(STAFF_PAGES))
def test_staff_pages_query_count_is_pinned(client, demo, username, name):
    client.force_login(User.objects.get(username=username))
    _count(client, reverse(name))
    n = _count(client, reverse(name))
    assert n <= STAFF_PAGES[(username, name)]


def test_public_verification_page_query_count_is_pinned(client, demo):
    designation = Designation.objects.get(organization__legal_name="Tailspin Toys")
    assert _count(client, reverse("verify-page", args=[designation.credential_id])) <= 4
