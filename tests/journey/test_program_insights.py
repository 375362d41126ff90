"""The program dashboard: every figure agrees with the records, one statement each; CSV and API."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import AuditRecord
from designation.models import Designation, Enrollment, EnrollmentEvent, IncentiveGrant
from journey.insights import program
from journey.insights.serializers import PROGRAM_TABLES
from tests.designation import factories

pytestmark = pytest.mark.django_db

WHOLE = {"from": "2000-01-01", "to": "2099-12-31"}
# Session, user, groups, navigation (memberships, queue counts), the bell's unread count and the
# nine figures (the appeals figure is the ninth: one statement, 15 -> 16).
PROGRAM_QUERIES = 16


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def staff(client, reviewer):
    client.force_login(reviewer)
    return client


def _table(insights, slug):
    return insights.tables[slug].rows


def test_every_figure_agrees_with_the_records(demo):
    today = timezone.localdate()
    insights = program.program_insights(
        start=program_day("2000-01-01"), end=program_day("2099-12-31"), today=today
    )
    funnel = dict(_table(insights, "funnel"))
    for state in ("draft", "eligibility_review", "performance", "customer_success", "capability"):
        expected = Enrollment.objects.filter(state=state).values("organization").distinct()
        assert funnel[program.STEP_LABELS[state]] == expected.count()
    assert funnel["Designated (not lapsed)"] == Designation.objects.listed().count()
    decided = AuditRecord.objects.exclude(verdict="").filter(superseded_by__isnull=True)
    rates = _table(insights, "pass-rates")
    assert sum(row[2] for row in rates) == decided.count()
    assert sum(row[3] for row in rates) == decided.filter(verdict="pass").count()
    originals = AuditRecord.objects.filter(supersedes__isnull=True)
    charged = sum(row[3] for row in _table(insights, "fees"))
    assert charged == sum((a.fee_amount for a in originals), Decimal(0)) and charged > 0
    assert _table(insights, "incentive")[0][0] == IncentiveGrant.objects.count()
    flows = _table(insights, "flows")
    entered = sum(row[2] for row in flows if row[1] == program.STEP_LABELS["eligibility_review"])
    moves = EnrollmentEvent.objects.filter(to_state="eligibility_review").exclude(
        from_state="eligibility_review"
    )
    assert entered == moves.count() > 0
    assert _table(insights, "median-days")  # some stays ended
    submitted = AuditRecord.objects.filter(
        supersedes__isnull=True, submitted_at__isnull=False, assigned_on__isnull=False
    )
    assert sum(row[1] for row in _table(insights, "turnaround")) == submitted.count()


def program_day(raw):
    from portal.dates import parse_day

    return parse_day(raw)


def test_program_page_shows_each_figure_with_its_chart_and_csv_link(
    demo, staff, django_assert_max_num_queries
):
    url = reverse("program-insights")
    staff.get(url, WHOLE)
    with django_assert_max_num_queries(PROGRAM_QUERIES):
        response = staff.get(url, WHOLE)
    html = response.content.decode()
    for slug in ("funnel", "fees", "flows", "pass-rates", "median-days", "turnaround"):
        assert f'data-table="{slug}"' in html
        assert reverse("program-insights-csv", args=[slug]) in html
    assert 'class="funnel-chart"' in html and "<polyline" in html
    assert 'class="trend-chart appeals-chart"' in html  # the demo has no appeals: no bars yet
    assert reverse("program-insights-csv", args=["appeals"]) in html
    assert "Program insights</a>" in html  # in the reviewer's navigation


def test_csv_export_has_the_same_rows_as_the_page(demo, staff):
    response = staff.get(reverse("program-insights-csv", args=["funnel"]), WHOLE)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Step", "Organisations"]
    table = program.funnel()
    assert rows[1:] == [[step, str(n)] for step, n in table.rows]
    assert staff.get(reverse("program-insights-csv", args=["nothing"])).status_code == 404


def test_a_bad_range_shows_the_last_twelve_months_with_a_message(staff):
    html = staff.get(reverse("program-insights"), {"from": "2026-13-01"}).content.decode()
    assert "is not a date in the form YYYY-MM-DD" in html
    html = staff.get(
        reverse("program-insights"), {"from": "2026-06-01", "to": "2026-01-01"}
    ).content.decode()
    assert "is after" in html


def test_program_api_is_for_reviewers_and_program_admins(demo, api_client, reviewer):
    partner = User.objects.get(username="woodgrove")
    api_client.force_authenticate(partner)
    assert api_client.get("/api/v1/program/insights/").status_code == 403
    admin = factories.UserFactory(groups=["Program admin"])
    api_client.force_authenticate(admin)
    body = api_client.get("/api/v1/program/insights/", WHOLE).json()
    slugs = [t["slug"] for t in body["tables"]]
    assert slugs == list(PROGRAM_TABLES)
    funnel = next(t for t in body["tables"] if t["slug"] == "funnel")
    assert funnel["rows"] == [list(row) for row in program.funnel().rows]
    bad = api_client.get("/api/v1/program/insights/", {"from": "2026-06-01", "to": "2026-01-01"})
    assert bad.status_code == 400 and "after" in bad.json()["detail"]
