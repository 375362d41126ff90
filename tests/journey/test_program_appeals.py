"""Appeals on the program dashboard: filed and decided per month by what was appealed, upheld and
overturned, the median days to decide; the page's chart and table, its CSV and the API agree."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from assessments.models import Appeal
from journey import appeals, services
from journey.insights import appeal_figures
from tests.assessments.factories import claimed_capability_audit
from tests.designation import factories
from tests.designation.factories import PRE_ENROLLMENT_FORM, TODAY

pytestmark = pytest.mark.django_db

FAILING = {"support_function": 40, "support_staff_skills": 75, "support_performance_metrics": 70}
RANGE = {"from": "2026-10-01", "to": "2026-11-21"}
COLUMNS = ["Month", "Appealed", "Filed", "Decided", "Upheld", "Overturned", "Median days to decide"]


def _moment(day: str, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def _failed_audit(organization):
    audit = claimed_capability_audit(organization=organization)
    return services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": FAILING}
    )


def _admin_of(organization):
    return factories.MembershipFactory(organization=organization, role="admin").user


def _place(appeal, *, filed: datetime, decided: datetime | None = None) -> None:
    """Put the appeal's filing and decision on the days the test needs (the services file and
    decide at the frozen clock)."""
    Appeal.objects.filter(pk=appeal.pk).update(filed_at=filed, decided_at=decided)


@pytest.fixture
def history(today, org, partner_admin, reviewer):
    """An ineligible decision appealed in November and upheld four days later; a failed
    assessment appealed in October and overturned in November after eight days; another filed
    on the range's last day, late in the evening, and not decided."""
    second = factories.UserFactory(groups=["Microsoft reviewer"])
    enrollment = services.enrollment_create(
        organization_id=org.pk, by=partner_admin, on=TODAY, form=PRE_ENROLLMENT_FORM
    )
    services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    services.enrollment_reject_eligibility(
        enrollment_id=enrollment.pk, by=reviewer, on=TODAY, reason="Indirect reseller"
    )
    ineligible = appeals.appeal_file(
        by=partner_admin, on=TODAY, enrollment_id=enrollment.pk, statement="We are direct bill."
    )
    appeals.appeal_decide(appeal_id=ineligible.pk, by=second, on=TODAY, overturn=False, reason="No")
    _place(ineligible, filed=_moment("2026-11-10", 9), decided=_moment("2026-11-14", 17))

    overturned_org = factories.EligibleOrganizationFactory()
    failed = _failed_audit(overturned_org)
    overturned = appeals.appeal_file(
        by=_admin_of(overturned_org), on=TODAY, audit_id=failed.pk, statement="QA file missed."
    )
    appeals.appeal_decide(appeal_id=overturned.pk, by=reviewer, on=TODAY, overturn=True, reason="Y")
    _place(overturned, filed=_moment("2026-10-25", 23), decided=_moment("2026-11-02", 8))

    open_org = factories.EligibleOrganizationFactory()
    still_open = appeals.appeal_file(
        by=_admin_of(open_org), on=TODAY, audit_id=_failed_audit(open_org).pk, statement="Why?"
    )
    _place(still_open, filed=_moment("2026-11-21", 23, 30))


@pytest.fixture
def staff(client, reviewer):
    client.force_login(reviewer)
    return client


def test_appeals_are_counted_in_the_month_they_were_filed_and_decided(history, staff):
    response = staff.get(reverse("program-insights-csv", args=["appeals"]), RANGE)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        COLUMNS,
        ["2026-10", "Failed assessment", "1", "0", "0", "0", ""],
        # the undecided one filed on the last day counts as filed, not decided
        ["2026-11", "Failed assessment", "1", "1", "0", "1", "8.0"],
        ["2026-11", "Ineligible decision", "1", "1", "1", "0", "4.0"],
    ]


def test_an_appeal_filed_after_the_range_is_not_counted(history, staff):
    earlier = {"from": "2026-10-01", "to": "2026-11-20"}
    response = staff.get(reverse("program-insights-csv", args=["appeals"]), earlier)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    november = [row for row in rows if row[:2] == ["2026-11", "Failed assessment"]]
    assert november == [["2026-11", "Failed assessment", "0", "1", "0", "1", "8.0"]]


def test_the_figure_agrees_with_counting_each_appeal(history):
    table = appeal_figures.appeals(TODAY.replace(day=1, month=10), TODAY)
    filed = sum(row[2] for row in table.rows)
    decided = sum(row[3] for row in table.rows)
    assert filed == Appeal.objects.count() == 3
    assert decided == Appeal.objects.exclude(status=Appeal.Status.OPEN).count() == 2
    assert sum(row[4] for row in table.rows) == Appeal.objects.filter(status="upheld").count()
    assert sum(row[5] for row in table.rows) == Appeal.objects.filter(status="overturned").count()


def test_the_page_draws_the_chart_with_its_table_in_words(history, staff):
    html = staff.get(reverse("program-insights"), RANGE).content.decode()
    assert 'data-table="appeals"' in html and 'class="trend-chart appeals-chart"' in html
    assert reverse("program-insights-csv", args=["appeals"]) in html
    assert "<title>2026-11: 2 filed</title>" in html  # the last day's among them
    assert "<title>2026-11: 1 upheld</title>" in html
    assert "<title>2026-11: 1 overturned</title>" in html
    assert "<title>2026-10: 1 filed</title>" in html
    assert "Ineligible decision" in html and "Failed assessment" in html
    assert ">ineligible<" not in html and ">assessment<" not in html  # no codes shown


def test_the_chart_has_a_slot_for_every_month_and_no_bar_for_an_empty_one():
    table = appeal_figures.Table("appeals", "", tuple(COLUMNS), [])
    start, end = TODAY.replace(month=1, day=1), TODAY
    chart = appeal_figures.appeals_chart(table, start, end)
    assert chart.bars == () and [t.label for t in chart.x_ticks][-1] == "2026-11"
    busy = appeal_figures.Table(
        "appeals", "", tuple(COLUMNS), [("2026-03", "Ineligible decision", 4, 2, 1, 1, None)]
    )
    bars = appeal_figures.appeals_chart(busy, start, end).bars
    assert [(b.series, b.title) for b in bars] == [
        ("filed", "2026-03: 4 filed"),
        ("upheld", "2026-03: 1 upheld"),
        ("overturned", "2026-03: 1 overturned"),
    ]
    assert bars[0].height == 4 * bars[1].height  # four filed against one upheld


def test_the_api_gives_the_appeals_table(history, api_client, reviewer):
    api_client.force_authenticate(reviewer)
    body = api_client.get("/api/v1/program/insights/", RANGE).json()
    [table] = [t for t in body["tables"] if t["slug"] == "appeals"]
    assert table["columns"] == COLUMNS
    assert table["rows"][0] == ["2026-10", "Failed assessment", 1, 0, 0, 0, None]
    assert table["rows"][2] == ["2026-11", "Ineligible decision", 1, 1, 1, 0, "4.0"]


def test_a_partner_cannot_download_the_appeals_figure(history, client, partner_admin):
    client.force_login(partner_admin)
    response = client.get(reverse("program-insights-csv", args=["appeals"]), RANGE)
    assert response.status_code == 403
