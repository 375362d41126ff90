"""The Overview page whole from each process's memory (journey/overview_page.py): the shell is not
rendered while nothing on the page changed, each response still carries its own valid CSRF
token, and a waiting message or a change anywhere on the page renders it afresh.

Transactional, as tests/journey/test_dashboard_cache.py: the content's key (and so the page's)
is known only outside a transaction that wrote."""

import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from designation.models import Notification
from journey import overview_page
from tests.designation.factories import rollups

committed = pytest.mark.django_db(transaction=True)
PAGE = "designation/organization_overview.html"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="(\w+)"')


def overview(client, org, **query):
    response = client.get(reverse("organization-overview", args=[org.pk]), query)
    assert response.status_code == 200
    return response


def rendered(response) -> bool:
    """Whether the page's template was rendered for this response (the test client records it)."""
    return PAGE in [template.name for template in response.templates]


def without_token(response) -> str:
    return TOKEN.sub("", response.content.decode())


@committed
def test_a_warm_page_is_not_rendered_and_is_the_same_page(client, today, org, partner_admin):
    rollups(org, cases_per_month=5, revenue_per_month="200000.00")
    client.force_login(partner_admin)
    cold = overview(client, org)
    warm = overview(client, org)
    assert rendered(cold) and not rendered(warm)
    assert without_token(warm) == without_token(cold)
    assert warm["Content-Type"] == cold["Content-Type"] == "text/html; charset=utf-8"
    assert 'data-figure="case_rate">25.00<' in warm.content.decode()


@committed
def test_each_served_page_carries_its_own_token_and_it_signs_out(today, org, partner_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_admin)
    overview(client, org)
    tokens = [TOKEN.findall(overview(client, org).content.decode()) for _ in range(2)]
    assert [len(found) for found in tokens] == [1, 1] and tokens[0] != tokens[1]  # masked anew
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[1][0]})
    assert response.status_code == 302
    assert client.get(reverse("organization-overview", args=[org.pk])).status_code == 302


@committed
def test_a_change_on_the_page_renders_it_afresh(client, today, org, partner_admin):
    client.force_login(partner_admin)
    overview(client, org)
    assert not rendered(overview(client, org))

    # The header: the bell's count.
    Notification.objects.create(recipient=partner_admin, kind="audit_claimed", key="k", title="New")
    response = overview(client, org)
    assert rendered(response) and 'class="count">1<' in response.content.decode()
    assert not rendered(overview(client, org))

    # The title and the content: the organisation renamed.
    org.legal_name = "Renamed Partner Ltd"
    org.save(update_fields=["legal_name"])
    response = overview(client, org)
    html = response.content.decode()
    assert rendered(response) and "<title>Renamed Partner Ltd · Overview" in html

    # The user's own name.
    partner_admin.first_name, partner_admin.last_name = "Ada", "Lovelace"
    partner_admin.save(update_fields=["first_name", "last_name"])
    assert "Ada Lovelace" in overview(client, org).content.decode()


@committed
def test_a_waiting_message_is_shown_on_a_rendered_page(client, today, org, partner_admin):
    client.force_login(partner_admin)
    overview(client, org)
    assert not rendered(overview(client, org))
    for _ in range(2):  # a day before the program: the message, each time, on a rendered page
        response = overview(client, org, on="2000-01-01")
        assert rendered(response)
        assert "No program rules are in force on 2000-01-01" in response.content.decode()
    response = overview(client, org)  # and the message is used up
    assert not rendered(response) and "No program rules" not in response.content.decode()


@committed
def test_each_viewer_gets_their_own_page(client, today, org, partner_admin, partner_member):
    partner_admin.first_name, partner_member.first_name = "Adaline", "Bertrand"
    partner_admin.save(update_fields=["first_name"])
    partner_member.save(update_fields=["first_name"])
    for _ in range(2):
        for user, name, other in [
            (partner_admin, "Adaline", "Bertrand"),
            (partner_member, "Bertrand", "Adaline"),
        ]:
            client.force_login(user)
            html = overview(client, org).content.decode()
            assert name in html and other not in html


def test_a_page_is_kept_only_with_exactly_one_token():
    for count in (0, 2):
        page = HttpResponse('<input name="csrfmiddlewaretoken" value="abc">' * count)
        overview_page.store_page(f"test-page-{count}", page)
        assert overview_page.cached_page(None, f"test-page-{count}") is None


def test_no_page_without_the_contents_key():
    assert overview_page.page_key(None, None, "overview") is None
    assert overview_page.cached_page(None, None) is None


@pytest.mark.django_db
def test_a_page_with_the_contents_key_unknown_is_rendered(client, org, partner_admin):
    """Inside one transaction (as every non-committed test) the content's key is unknown: the
    page is rendered each time, never served from memory."""
    client.force_login(partner_admin)
    assert rendered(overview(client, org)) and rendered(overview(client, org))
