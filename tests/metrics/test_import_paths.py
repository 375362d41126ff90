"""The importer's two writes give the same answers (issue 17): a plain INSERT for an organisation
without cases, an anti-join upsert otherwise; and the day check without a regex keeps the rule."""

from datetime import date

import pytest

from metrics.models import Case
from tests.metrics.conftest import CASES_HEADER, csv_bytes

pytestmark = pytest.mark.django_db

NOT_A_DATE = "is not a date in the form YYYY-MM-DD."


@pytest.fixture(params=["first import", "upsert"])
def path(request, do_import):
    """Run each test into an organisation without cases, and into one that has a case."""
    if request.param == "upsert":
        assert do_import("cases", csv_bytes(CASES_HEADER, "Z-0,2026-01-01,CSP,,,")).ok
    return request.param


@pytest.mark.parametrize(
    "day",
    [
        "2026-01-05 BC",
        "10000-01-01",
        "infinity",
        "-infinity",
        "epoch",
        "2026-1-5",
        "20260105",
        "2026/01/05",
        "1900-02-29",
        "0000-01-01",
        "2026-00-10",
        "2026-01-00",
        "2026-01-32",
        "٢٠٢٦-٠١-٠٥",
    ],
)
def test_anything_but_a_yyyy_mm_dd_day_is_refused_on_both_paths(do_import, path, day):
    outcome = do_import(
        "cases", csv_bytes(CASES_HEADER, "A-1,2026-01-02,CSP,,,", f"A-2,{day},CSP,,,")
    )
    assert not outcome.ok
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(3, "opened_on")]
    assert NOT_A_DATE in outcome.errors[0]["message"]
    assert not Case.objects.filter(case_id__startswith="A-").exists()


@pytest.mark.parametrize("day", ["2000-02-29", " 2026-01-05 ", "0001-01-01", "2026-11-21"])
def test_real_days_up_to_today_are_accepted_on_both_paths(do_import, path, day):
    outcome = do_import("cases", csv_bytes(CASES_HEADER, f"B-1,{day},CSP,,,"))
    assert outcome.ok, outcome.errors
    assert Case.objects.get(case_id="B-1").opened_on == date.fromisoformat(day.strip())


def test_every_bad_cell_is_reported_on_both_paths(do_import, path):
    outcome = do_import(
        "cases",
        csv_bytes(
            CASES_HEADER,
            "E-1,2026-01-01,CSP,,,",
            ",tomorrow,XX,,Z,",
            "E-3,2099-01-01,CSP," + "t" * 101 + ",,",
            "E-1,2026-01-01,CSP,,,",
            "E-5,2026-01-01,csp,,b," + "x" * 501,
        ),
    )
    assert [(e["row"], e["column"]) for e in outcome.errors] == [
        (3, "case_id"),
        (3, "opened_on"),
        (3, "program"),
        (3, "severity"),
        (4, "opened_on"),
        (4, "customer_tenant_id"),
        (5, "case_id"),
        (6, "title"),
    ]
    assert not Case.objects.filter(case_id__startswith="E-").exists()


def test_both_paths_store_the_same_rows(do_import, org, other_org, partner_admin):
    from tests.designation import factories

    rows = [
        f"S-{n}, 2026-0{1 + n % 9}-1{n % 10} ,{('csp', 'EA', 'mca', 'OTHER')[n % 4]},t{n},"
        f"{('', 'a', 'B', 'c')[n % 4]}, title {n} "
        for n in range(500)
    ]
    data = csv_bytes(CASES_HEADER, *rows)
    assert do_import("cases", data).as_response()["created"] == 500  # the plain INSERT
    other_admin = factories.MembershipFactory(organization=other_org, role="admin").user
    do_import(
        "cases",
        csv_bytes(CASES_HEADER, "S-0,2020-01-01,EA,,,"),
        organization=other_org,
        by=other_admin,
    )
    answer = do_import("cases", data, organization=other_org, by=other_admin)  # the upsert
    assert answer.as_response() == {"created": 499, "updated": 1, "unchanged": 0}

    def stored(organization):
        return sorted(
            Case.objects.filter(organization=organization).values_list(
                "case_id", "opened_on", "program", "customer_tenant_id", "severity", "title"
            )
        )

    assert stored(org) == stored(other_org)
    assert stored(org)[0] == ("S-0", date(2026, 1, 10), "CSP", "t0", "", "title 0")


def test_rollups_follow_a_case_leaving_csp_and_stay_put_for_a_new_title(do_import, org):
    from metrics.models import MonthlyRollup

    def rollups():
        return dict(
            MonthlyRollup.objects.filter(organization=org).values_list("month", "csp_case_count")
        )

    do_import("cases", csv_bytes(CASES_HEADER, "R-1,2026-01-05,CSP,,,", "R-2,2026-01-06,CSP,,,"))
    assert rollups() == {date(2026, 1, 1): 2}
    retitled = do_import(
        "cases", csv_bytes(CASES_HEADER, "R-1,2026-01-05,CSP,,,new title", "R-2,2026-01-06,CSP,,,")
    )
    assert retitled.as_response() == {"created": 0, "updated": 1, "unchanged": 1}
    assert rollups() == {date(2026, 1, 1): 2}
    left = do_import(
        "cases", csv_bytes(CASES_HEADER, "R-1,2026-01-05,EA,,,new title", "R-3,2026-02-01,EA,,,")
    )
    assert left.as_response() == {"created": 1, "updated": 1, "unchanged": 0}
    assert rollups() == {date(2026, 1, 1): 1}
