"""The reviewer's eligibility review shows each declared value beside the fact of record on the
declaration day, its source and last confirmation, and whether they agree, in words; the page's
query count does not grow with the number of facts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from designation import facts
from designation.models import CspEnrollment, SolutionsPartnerDesignation, SupportContract
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db

PANEL = "Declared and recorded"


def _panel(html: str) -> str:
    start = html.index(PANEL)
    return html[start : html.index("</section>", start)]


@pytest.fixture
def contoso(today):
    """Facts say Direct Bill and PSfP (confirmed by the feed); the declaration says otherwise."""
    org = factories.EligibleOrganizationFactory(legal_name="Contoso Ltd")
    confirmed = timezone.now() - timedelta(days=30)
    org.csp_enrollments.update(source="feed", confirmed_at=confirmed)
    org.support_contracts.update(source="reviewer", confirmed_at=confirmed)
    return org


def test_the_reviewer_sees_where_the_declaration_differs_from_the_facts(client, reviewer, contoso):
    enrollment = enrollment_at(
        "eligibility_review",
        organization=contoso,
        csp_type="indirect_reseller",
        support_plan="unified",
        solution_areas=["security", "data_ai"],
    )
    client.force_login(reviewer)
    panel = _panel(client.get(reverse("enrollment-page", args=[enrollment.pk])).content.decode())
    confirmed_on = (TODAY - timedelta(days=30)).isoformat()
    assert "Differs: recorded Direct Bill" in panel
    assert "Differs: recorded Premier Support for Partners" in panel
    assert "Differs: recorded Security" in panel
    assert f"Partner facts feed, last confirmed {confirmed_on}" in panel
    assert f"Microsoft reviewer, last confirmed {confirmed_on}" in panel
    assert "Declared by the partner (not confirmed by the program), never confirmed" in panel
    assert "Unified for Partners is not yet accepted by the program" in panel
    assert "Agrees" not in panel
    assert "indirect_reseller" not in panel and "direct_bill" not in panel  # words, not codes


def test_a_declaration_backed_by_the_facts_agrees_on_the_review_page(client, reviewer, contoso):
    enrollment = enrollment_at("eligibility_review", organization=contoso)
    client.force_login(reviewer)
    url = reverse("enrollment-transition", args=[enrollment.pk, "approve_eligibility"])
    panel = _panel(client.get(url).content.decode())
    assert panel.count(">Agrees<") == 3
    assert "Differs" not in panel
    assert TODAY.isoformat() in panel  # the declaration day


def test_partners_do_not_get_the_reviewers_panel(client, partner_admin, org, today):
    enrollment = enrollment_at("eligibility_review", organization=org)
    client.force_login(partner_admin)
    html = client.get(reverse("enrollment-page", args=[enrollment.pk])).content.decode()
    assert PANEL not in html


def test_the_value_on_record_is_the_one_active_on_the_declaration_day(client, reviewer, today):
    org = factories.EligibleOrganizationFactory()
    # Declared 40 days ago, when the contract had not started and the CSP enrollment was live.
    org.support_contracts.update(starts_on=TODAY - timedelta(days=10))
    enrollment = enrollment_at(
        "eligibility_review", organization=org, submitted_on=TODAY - timedelta(days=40)
    )
    client.force_login(reviewer)
    panel = _panel(client.get(reverse("enrollment-page", args=[enrollment.pk])).content.decode())
    on = (TODAY - timedelta(days=40)).isoformat()
    assert f"Differs: recorded none active on {on}" in panel
    assert panel.count(">Agrees<") == 2


def test_a_fact_changed_since_the_declaration_is_said(client, reviewer, today):
    org = factories.EligibleOrganizationFactory()
    enrollment = enrollment_at(
        "eligibility_review", organization=org, submitted_on=TODAY - timedelta(days=5)
    )
    facts.record_fact(
        organization_id=org.pk,
        kind="csp",
        fact_id=org.csp_enrollments.get().pk,
        values={"kind": "distributor"},
        by=reviewer,
        reason="Partner Center shows Distributor.",
    )
    client.force_login(reviewer)
    panel = _panel(client.get(reverse("enrollment-page", args=[enrollment.pk])).content.decode())
    assert "Differs: recorded Distributor (formerly Indirect Provider)" in panel
    assert f"Changed since the declaration, last on {TODAY.isoformat()}" in panel
    assert panel.count("Changed since") == 1  # only the CSP row


def _add_facts(org, n: int) -> None:
    for i in range(n):
        SolutionsPartnerDesignation.objects.create(
            organization=org,
            area="modern_work",
            attained_on=TODAY - timedelta(days=400 + i),
            anniversary_on=TODAY + timedelta(days=i + 1),
        )
        CspEnrollment.objects.create(
            organization=org, kind="distributor", enrolled_on=TODAY - timedelta(days=900 + i)
        )
        SupportContract.objects.create(
            organization=org,
            plan="asfp",
            starts_on=TODAY - timedelta(days=30 + i),
            ends_on=TODAY + timedelta(days=300 + i),
        )


# The enrollment page as a reviewer sees it, and the eligibility review page; each includes the
# panel's five queries (three kinds of fact, the program rules of the declaration day and the
# changes since it).
# (23 and 15 before the one role lookup per request.)
PINNED = {"enrollment-page": 15, "approve_eligibility": 10}


@pytest.mark.parametrize("page", list(PINNED))
def test_the_review_pages_query_count_is_pinned_whatever_the_number_of_facts(
    client, reviewer, today, django_assert_num_queries, page
):
    client.force_login(reviewer)
    for n in (0, 12):
        org = factories.EligibleOrganizationFactory()
        _add_facts(org, n)
        enrollment = enrollment_at("eligibility_review", organization=org)
        url = (
            reverse("enrollment-page", args=[enrollment.pk])
            if page == "enrollment-page"
            else reverse("enrollment-transition", args=[enrollment.pk, page])
        )
        client.get(url)  # the session's first request
        with django_assert_num_queries(PINNED[page]):
            html = client.get(url).content.decode()
        assert PANEL in html
        assert _panel(html).count("Partner facts feed") == 0  # factories declare their facts
