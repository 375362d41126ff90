"""Cohort benchmarks: the nightly set-based step, its anonymity rules, the page and the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from designation.models import Designation, Membership, SolutionsPartnerDesignation
from metrics import rules
from metrics.benchmarks import compute_cohort_benchmarks
from metrics.models import CaseRateSnapshot, CohortBenchmark
from metrics.tasks import compute_cohort_benchmarks as cohort_task
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


def designated(rate, *, country="US", areas=("security",), state="active", admin=None):
    """A designated organisation with a snapshot of `rate` on TODAY."""
    org = factories.OrganizationFactory(country=country)
    enrollment = enrollment_at("enrolled", organization=org)
    Designation.objects.create(
        organization=org,
        enrollment=enrollment,
        attained_on=TODAY - timedelta(days=100),
        anniversary_on=TODAY + timedelta(days=265),
    )
    if state != "active":
        Designation.objects.filter(organization=org).update(state=state)
    for area in areas:
        SolutionsPartnerDesignation.objects.create(
            organization=org,
            area=area,
            attained_on=TODAY - timedelta(days=400),
            anniversary_on=TODAY + timedelta(days=400),
        )
    CaseRateSnapshot.objects.create(
        organization=org,
        as_of=TODAY,
        window_start=TODAY,
        window_end=TODAY,
        case_volume=1,
        billed_revenue_usd=Decimal("1"),
        case_rate=None if rate is None else Decimal(rate),
    )
    if admin is not None:
        Membership.objects.create(user=admin, organization=org, role="admin")
    return org


def stored(kind="overall", key=""):
    return CohortBenchmark.objects.get(as_of=TODAY, kind=kind, key=key)


def published():
    return {
        (b.kind, b.key): b.organizations
        for b in CohortBenchmark.objects.filter(as_of=TODAY, published=True)
    }


def test_quartiles_are_percentile_cont_over_designated_partners_only(db):
    for rate in range(1, 13):
        designated(str(rate))
    designated("500", state="lapsed")  # a lapsed designation is not a designated partner
    designated(None)  # an undefined rate (no revenue) has no place in a distribution
    factories.EligibleOrganizationFactory()  # not designated
    result = compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    assert result.ran
    overall = stored()
    assert overall.organizations == 12
    assert (overall.p25, overall.median, overall.p75) == (
        Decimal("3.75"),
        Decimal("6.50"),
        Decimal("9.25"),
    )
    assert overall.deciles[0] == Decimal("2.10") and overall.deciles[-1] == Decimal("10.90")


def test_a_rerun_of_the_same_day_replaces_its_rows(db):
    for rate in range(1, 13):
        designated(str(rate))
    compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    first = CohortBenchmark.objects.count()
    designated("13")
    compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    assert CohortBenchmark.objects.count() == first and stored().organizations == 13


def test_a_cohort_below_the_minimum_is_stored_but_never_published(db):
    for rate in range(1, 12):
        designated(str(rate), country="US")
    for rate in range(1, 10):
        designated(str(rate), country="DE", areas=("modern_work",))
    compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    assert stored("country", "DE").organizations == 9
    assert not stored("country", "DE").published
    # And the US cohort stays hidden with it: overall minus US would be the 9 German partners.
    assert published() == {("overall", ""): 20}


def test_the_differencing_attack_of_two_nested_cohorts_finds_nothing(db):
    """Overall (21) minus US (20) would give away the one German partner's rate."""
    rates = [str(r) for r in range(1, 21)]
    for rate in rates:
        designated(rate, country="US")
    designated("99.00", country="DE")
    compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    shown = published()
    assert ("overall", "") in shown and ("country", "US") not in shown
    # Whatever the attacker pairs up, no two published cohorts differ by 1 to 9 organisations.
    assert_no_published_pair_differs_by_fewer_than(10)


def test_the_differencing_attack_of_two_overlapping_area_cohorts_finds_nothing(db):
    """Security (15) and Modern Work (16) share 15 partners: their difference is one partner."""
    for rate in range(1, 16):
        designated(str(rate), areas=("security", "modern_work"))
    designated("77.00", areas=("modern_work",))
    for rate in range(30, 45):  # others, so that the overall cohort is far from both
        designated(str(rate), areas=("infrastructure",))
    compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    shown = published()
    assert ("area", "modern_work") in shown and ("area", "security") not in shown
    assert_no_published_pair_differs_by_fewer_than(10)


def assert_no_published_pair_differs_by_fewer_than(minimum):
    members = {}
    for snapshot in CaseRateSnapshot.objects.filter(
        as_of=TODAY, case_rate__isnull=False
    ).select_related("organization"):
        org = snapshot.organization
        areas = set(org.solutions_partner_designations.values_list("area", flat=True))
        cohorts = {("overall", ""), ("country", org.country), *(("area", a) for a in areas)}
        for cohort in cohorts:
            members.setdefault(cohort, set()).add(org.pk)
    shown = list(published())
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            assert not 0 < len(members[a] ^ members[b]) < minimum, (a, b)


def test_a_partner_never_sees_a_cohort_made_mostly_of_its_own_organisations(
    client, today, reviewer
):
    owner = factories.UserFactory()
    mine = [designated(str(rate), admin=owner) for rate in range(1, 4)]
    for rate in range(4, 13):
        designated(str(rate))
    compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    assert stored().published  # 12 organisations: published ...
    client.force_login(owner)
    html = client.get(reverse("benchmarks-page", args=[mine[0].pk])).content.decode()
    assert 'data-cohort="overall:"' not in html  # ... but 9 besides the owner's 3 is too few
    assert "All designated partners" in html.split("Not shown")[1]
    client.force_login(reviewer)
    html = client.get(reverse("benchmarks-page", args=[mine[0].pk])).content.decode()
    assert 'data-cohort="overall:"' in html


def test_benchmarks_page_shows_quartiles_and_standing_without_names(
    client, today, django_assert_max_num_queries
):
    orgs = [designated(str(rate)) for rate in range(1, 21)]
    compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    admin = factories.MembershipFactory(organization=orgs[4], role="admin").user  # rate 5
    client.force_login(admin)
    url = reverse("benchmarks-page", args=[orgs[4].pk])
    client.get(url)
    with django_assert_max_num_queries(13):
        html = client.get(url).content.decode()
    assert 'data-cohort="overall:"' in html and "10.50" in html  # the median of 1..20
    assert "Your case rate 5.00 is lower than about 79% of the cohort." in html
    assert all(o.legal_name not in html for o in orgs if o != orgs[4])


def test_benchmarks_api_is_scoped_and_answers_the_published_cohorts(api_client, today, other_org):
    orgs = [designated(str(rate)) for rate in range(1, 21)]
    cohort_task.delay(TODAY.isoformat())
    member = factories.MembershipFactory(organization=orgs[0], role="member").user
    api_client.force_authenticate(member)
    body = api_client.get(f"/api/v1/organizations/{orgs[0].pk}/benchmarks/").json()
    assert body["as_of"] == TODAY.isoformat() and body["minimum"] == 10
    # Security and US are the same 20 partners as overall: differing by none gives nothing away.
    assert [c["kind"] for c in body["cohorts"]] == ["overall", "area", "country"]
    assert {c["median"] for c in body["cohorts"]} == {"10.50"} and body["not_shown"] == []
    assert "legal_name" not in str(body) and orgs[1].legal_name not in str(body)
    assert api_client.get(f"/api/v1/organizations/{other_org.pk}/benchmarks/").status_code == 404


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        (Decimal("0.50"), "lower than at least 90%"),
        (Decimal("99"), "higher than at least 90%"),
        (Decimal("5.5"), "lower than about 45%"),  # 55% of the cohort at or below it
        (None, "undefined"),
    ],
)
def test_standing_in_words(rate, words):
    deciles = tuple(Decimal(n) for n in range(1, 10))
    assert words in rules.standing_in(rate, deciles)


def test_cohort_visibility_leaves_out_the_viewers_own():
    assert rules.cohort_visible_to(20, 10, 10)
    assert not rules.cohort_visible_to(20, 11, 10)


def test_dashboard_card_says_where_the_partner_stands_among_peers(client, today):
    orgs = [designated(str(rate)) for rate in range(1, 21)]
    compute_cohort_benchmarks(as_of=TODAY, minimum=10)
    viewer = orgs[4]
    factories.rollups(viewer, cases_per_month=1, revenue_per_month="200000.00")  # 5.00
    admin = factories.MembershipFactory(organization=viewer, role="admin").user
    client.force_login(admin)
    html = client.get(reverse("organization-overview", args=[viewer.pk])).content.decode()
    standing = html.split('data-figure="standing">')[1].split("</p>")[0]
    assert "Among 20 designated partners (median 10.50)" in standing
    assert "Your case rate 5.00 is lower than about 79% of the cohort." in standing
    outsider = factories.MembershipFactory(role="admin")
    client.force_login(outsider.user)
    html = client.get(
        reverse("organization-overview", args=[outsider.organization.pk])
    ).content.decode()
    assert "Among 20 designated partners" in html  # a partner not designated compares too
