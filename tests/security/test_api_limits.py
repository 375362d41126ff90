"""API limits: capped pagination with stable order, filters, rate limits on tokens and imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from designation.models import Organization
from tests.designation import factories
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db


def test_page_size_is_capped_and_pages_are_in_a_stable_order(api_client, reviewer):
    factories.OrganizationFactory.create_batch(205)
    api_client.force_authenticate(reviewer)
    first = api_client.get(reverse("organization-list"), {"page_size": 1000}).json()
    assert len(first["results"]) == 200 and first["count"] == 205
    second = api_client.get(reverse("organization-list"), {"page_size": 1000, "page": 2}).json()
    ids = [o["id"] for o in first["results"] + second["results"]]
    assert len(set(ids)) == 205  # no row twice, none lost between pages
    expected = list(Organization.objects.order_by("legal_name", "id").values_list("id", flat=True))
    assert ids == expected


def test_lists_filter_through_django_filter(api_client, reviewer):
    waiting = enrollment_at("eligibility_review")
    enrollment_at("performance")
    api_client.force_authenticate(reviewer)
    body = api_client.get(reverse("enrollment-list"), {"state": "eligibility_review"}).json()
    assert [e["id"] for e in body["results"]] == [waiting.pk]
    country = factories.OrganizationFactory(country="NZ")
    body = api_client.get(reverse("organization-list"), {"country": "NZ"}).json()
    assert [o["id"] for o in body["results"]] == [country.pk]
    bad = api_client.get(reverse("enrollment-list"), {"state": "nonsense"})
    assert bad.status_code == 400 and "state" in str(bad.json())


def test_the_token_endpoint_is_rate_limited_per_address(api_client, partner_admin, settings):
    url = reverse("api-token")
    credentials = {"username": partner_admin.username, "password": "correct-horse-battery"}
    answers = [api_client.post(url, credentials).status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]
    refused = api_client.post(url, credentials)
    assert "Request was throttled" in refused.json()["detail"]


def test_imports_are_rate_limited(api_client, partner_admin, org, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "imports", "2/hour")
    api_client.force_authenticate(partner_admin)
    url = reverse("api-revenue-import", args=[org.pk])
    csv = b"billing_month,source,amount_usd\n2026-01,CSP,100.00\n"
    answers = [
        api_client.post(url, {"file": SimpleUploadedFile("r.csv", csv)}, format="multipart")
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[1].json() == {"created": 0, "updated": 0, "unchanged": 1}
