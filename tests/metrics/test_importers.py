"""The importer (SPEC section 5): all or nothing, every bad row named, upserts, rollups."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from metrics.models import Case, ImportRecord, MonthlyRollup, RevenueLine
from portal import bounds
from tests.designation import factories
from tests.metrics.conftest import CASES_HEADER, REVENUE_HEADER, csv_bytes

pytestmark = pytest.mark.django_db

GOOD_CASES = (
    "C-1,2026-01-05,CSP,tenant-1,A,Printer on fire",
    "C-2,2026-01-31,EA,,,",
    "C-3,2026-02-01,CSP,,B,",
    "C-4,2026-11-21,OTHER,tenant-4,C,Opened today",
)


def _state(org) -> tuple:
    """Everything an import may change for the organisation."""
    return (
        sorted(Case.objects.filter(organization=org).values_list("case_id", "opened_on", "title")),
        sorted(
            RevenueLine.objects.filter(organization=org).values_list("billing_month", "amount_usd")
        ),
        sorted(MonthlyRollup.objects.filter(organization=org).values_list()),
    )


def test_cases_import_creates_every_row_and_the_monthly_rollups(do_import, org):
    outcome = do_import("cases", csv_bytes(CASES_HEADER, *GOOD_CASES))
    assert outcome.ok
    assert outcome.as_response() == {"created": 4, "updated": 0, "unchanged": 0}
    case = Case.objects.get(organization=org, case_id="C-1")
    assert (case.opened_on, case.program, case.customer_tenant_id, case.severity, case.title) == (
        date(2026, 1, 5),
        "CSP",
        "tenant-1",
        "A",
        "Printer on fire",
    )
    assert Case.objects.get(case_id="C-2").severity == ""
    rollups = dict(
        MonthlyRollup.objects.filter(organization=org).values_list("month", "csp_case_count")
    )
    # EA and OTHER cases are imported but do not count (November has none that counts).
    assert rollups == {date(2026, 1, 1): 1, date(2026, 2, 1): 1}


def test_reimporting_the_same_file_reports_everything_unchanged(do_import, org):
    data = csv_bytes(CASES_HEADER, *GOOD_CASES)
    do_import("cases", data)
    before = _state(org)
    outcome = do_import("cases", data)
    assert outcome.as_response() == {"created": 0, "updated": 0, "unchanged": 4}
    assert _state(org) == before


def test_changed_rows_are_updated_and_a_moved_case_leaves_its_old_month(do_import, org):
    do_import("cases", csv_bytes(CASES_HEADER, *GOOD_CASES))
    outcome = do_import(
        "cases",
        csv_bytes(
            CASES_HEADER,
            "C-1,2026-03-05,CSP,tenant-1,A,Printer on fire",  # moved from January to March
            "C-2,2026-01-31,CSP,,,",  # EA -> CSP: now counts in January
            "C-3,2026-02-01,CSP,,B,",  # unchanged
            "C-5,2026-02-02,CSP,,,",  # new
        ),
    )
    assert outcome.as_response() == {"created": 1, "updated": 2, "unchanged": 1}
    rollups = dict(
        MonthlyRollup.objects.filter(organization=org).values_list("month", "csp_case_count")
    )
    assert rollups[date(2026, 1, 1)] == 1  # C-1 left, C-2 arrived
    assert rollups[date(2026, 2, 1)] == 2
    assert rollups[date(2026, 3, 1)] == 1


def test_revenue_import_upserts_by_month_and_source_and_rolls_up(do_import, org):
    outcome = do_import(
        "revenue",
        csv_bytes(REVENUE_HEADER, "2026-01,CSP,1000.5", "2026-01,ACR,250000", "2026-02,acr,0"),
    )
    assert outcome.as_response() == {"created": 3, "updated": 0, "unchanged": 0}
    rollup = MonthlyRollup.objects.get(organization=org, month=date(2026, 1, 1))
    assert (rollup.csp_revenue_usd, rollup.acr_revenue_usd) == (
        Decimal("1000.50"),
        Decimal("250000.00"),
    )
    outcome = do_import(
        "revenue", csv_bytes(REVENUE_HEADER, "2026-01,CSP,1000.50", "2026-01,ACR,300000.00")
    )
    assert outcome.as_response() == {"created": 0, "updated": 1, "unchanged": 1}
    rollup.refresh_from_db()
    assert rollup.acr_revenue_usd == Decimal("300000.00")
    assert rollup.csp_case_count == 0


def test_columns_in_any_order_with_a_byte_order_mark_and_crlf(do_import, org):
    data = csv_bytes(
        "title,program,opened_on,case_id",
        '"Quoted, with comma",CSP,2026-05-01,X-1',
        "Second,MCA,2026-05-02,X-2",
        bom=True,
        newline="\r\n",
    )
    outcome = do_import("cases", data)
    assert outcome.as_response() == {"created": 2, "updated": 0, "unchanged": 0}
    assert Case.objects.get(organization=org, case_id="X-1").title == "Quoted, with comma"
    assert Case.objects.get(organization=org, case_id="X-2").program == "MCA"


def test_optional_columns_may_be_left_out(do_import, org):
    outcome = do_import("cases", csv_bytes("case_id,opened_on,program", "Y-1,2026-05-01,CSP"))
    assert outcome.ok
    assert Case.objects.get(organization=org, case_id="Y-1").customer_tenant_id == ""


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",2026-01-05,CSP,,,", "case_id", "A case ID is required."),
        ("X" * 65 + ",2026-01-05,CSP,,,", "case_id", "A case ID is 1 to 64 characters"),
        ("C-9,,CSP,,,", "opened_on", "The opening date is required."),
        ("C-9,2026-02-30,CSP,,,", "opened_on", "“2026-02-30” is not a date in the form YYYY-MM-DD"),
        ("C-9,2026-13-01,CSP,,,", "opened_on", "is not a date in the form YYYY-MM-DD"),
        ("C-9,05/01/2026,CSP,,,", "opened_on", "is not a date in the form YYYY-MM-DD"),
        ("C-9,2027-02-29,CSP,,,", "opened_on", "is not a date"),  # 2027 is not a leap year
        ("C-9,2026-11-22,CSP,,,", "opened_on", "“2026-11-22” is in the future."),
        ("C-9,2026-01-05,,,,", "program", "The program is required"),
        ("C-9,2026-01-05,AZURE,,,", "program", "“AZURE” is not a program"),
        ("C-9,2026-01-05,CSP," + "t" * 101 + ",,", "customer_tenant_id", "at most 100"),
        ("C-9,2026-01-05,CSP,,D,", "severity", "“D” is not a severity"),
        ("C-9,2026-01-05,CSP,,A," + "x" * 501, "title", "at most 500 characters; this one has 501"),
    ],
)
def test_each_bad_case_cell_is_named_and_nothing_changes(do_import, org, row, column, message):
    do_import("cases", csv_bytes(CASES_HEADER, *GOOD_CASES[:2]))
    before = _state(org)
    outcome = do_import("cases", csv_bytes(CASES_HEADER, "C-1,2026-04-01,CSP,,,", row))
    assert not outcome.ok
    assert outcome.error_count == 1
    assert outcome.errors[0]["row"] == 3  # the header is row 1, the good row 2
    assert outcome.errors[0]["column"] == column
    assert message in outcome.errors[0]["message"]
    assert _state(org) == before  # C-1 was not moved to April


def test_a_leap_day_is_a_date_and_may_be_today(do_import, org):
    data = csv_bytes(CASES_HEADER, "L-1,2024-02-29,CSP,,,", "L-2,2028-02-29,CSP,,,")
    assert do_import("cases", data, today=date(2028, 2, 29)).ok


AMOUNT_RANGE = bounds.REVENUE_AMOUNT.words()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",CSP,10", "billing_month", "The billing month is required."),
        ("2026-1,CSP,10", "billing_month", "“2026-1” is not a month in the form YYYY-MM."),
        ("2026-13,CSP,10", "billing_month", "is not a month"),
        ("2026-01-01,CSP,10", "billing_month", "is not a month"),
        ("2026-12,CSP,10", "billing_month", "“2026-12” is in the future."),
        ("2026-01,,10", "source", "The source is required"),
        ("2026-01,EA,10", "source", "“EA” is not a source: use CSP or ACR."),
        ("2026-01,CSP,", "amount_usd", "The amount is required: give " + AMOUNT_RANGE),
        ("2026-01,CSP,-0.01", "amount_usd", "“-0.01” is out of range: give " + AMOUNT_RANGE),
        ("2026-01,CSP,-0", "amount_usd", "“-0” is out of range: give " + AMOUNT_RANGE),
        ("2026-01,CSP,1.234", "amount_usd", "“1.234” is not an amount: give " + AMOUNT_RANGE),
        ('2026-01,CSP,"1,000"', "amount_usd", "is not an amount: give " + AMOUNT_RANGE),
        ("2026-01,CSP,USD 5", "amount_usd", "is not an amount: give " + AMOUNT_RANGE),
        ("2026-01,CSP,1e5", "amount_usd", "is not an amount: give " + AMOUNT_RANGE),
        ("2026-01,CSP,1000000000000", "amount_usd", "is out of range: give " + AMOUNT_RANGE),
        ("2026-01,CSP,0001000000000000.5", "amount_usd", "out of range: give " + AMOUNT_RANGE),
        ("2026-01,CSP,99999999999999999999", "amount_usd", "out of range: give " + AMOUNT_RANGE),
    ],
)
def test_each_bad_revenue_cell_is_named_and_nothing_changes(do_import, org, row, column, message):
    outcome = do_import("revenue", csv_bytes(REVENUE_HEADER, "2026-11,ACR,5", row))
    assert not outcome.ok
    assert outcome.errors == [{"row": 3, "column": column, "message": outcome.errors[0]["message"]}]
    assert message in outcome.errors[0]["message"]
    assert not RevenueLine.objects.filter(organization=org).exists()
    assert not MonthlyRollup.objects.filter(organization=org).exists()


def test_the_current_month_of_revenue_is_not_in_the_future(do_import, org):
    assert do_import("revenue", csv_bytes(REVENUE_HEADER, "2026-11,CSP,5")).ok


def test_an_amount_with_leading_zeros_is_an_amount(do_import, org):
    assert do_import("revenue", csv_bytes(REVENUE_HEADER, "2026-10,ACR,0000999999999999.99")).ok
    assert RevenueLine.objects.get(organization=org).amount_usd == Decimal("999999999999.99")


def test_a_case_id_twice_in_one_file_names_both_rows(do_import, org):
    outcome = do_import(
        "cases",
        csv_bytes(
            CASES_HEADER, "D-1,2026-01-01,CSP,,,", "D-2,2026-01-01,CSP,,,", "D-1,2026-01-02,EA,,,"
        ),
    )
    assert outcome.errors == [
        {
            "row": 4,
            "column": "case_id",
            "message": "The same case_id (D-1) is already on row 2 of this file.",
        }
    ]
    assert not Case.objects.filter(organization=org).exists()


def test_an_identical_row_twice_is_still_a_repeated_case_id(do_import, org):
    do_import("cases", csv_bytes(CASES_HEADER, "D-1,2026-01-01,CSP,,,"))
    outcome = do_import(
        "cases", csv_bytes(CASES_HEADER, "D-1,2026-01-01,CSP,,,", "D-1,2026-01-01,CSP,,,")
    )
    assert [(e["row"], e["column"]) for e in outcome.errors] == [(3, "case_id")]


def test_the_same_month_and_source_twice_is_an_error(do_import, org):
    outcome = do_import("revenue", csv_bytes(REVENUE_HEADER, "2026-01,CSP,1", "2026-01,csp,2"))
    assert outcome.error_count == 1
    assert "(2026-01 CSP) is already on row 2" in outcome.errors[0]["message"]


def test_every_error_of_a_row_is_listed_in_row_then_column_order(do_import, org):
    outcome = do_import(
        "cases",
        csv_bytes(
            CASES_HEADER, "E-1,2026-01-01,CSP,,,", ",tomorrow,XX,,Z,", "E-3,2099-01-01,CSP,,,"
        ),
    )
    assert [(e["row"], e["column"]) for e in outcome.errors] == [
        (3, "case_id"),
        (3, "opened_on"),
        (3, "program"),
        (3, "severity"),
        (4, "opened_on"),
    ]
    assert outcome.error_count == 5
    assert "5 errors" in outcome.detail and "nothing was changed" in outcome.detail


def test_errors_are_capped_but_counted(do_import, org):
    rows = [f"F-{n},not-a-date,CSP,,," for n in range(250)]
    outcome = do_import("cases", csv_bytes(CASES_HEADER, *rows))
    assert outcome.error_count == 250
    assert len(outcome.errors) == 100
    assert outcome.errors[-1]["row"] == 101
    assert outcome.as_response()["error_count"] == 250


def test_one_bad_row_among_ten_thousand_leaves_the_database_unchanged(do_import, org):
    do_import("cases", csv_bytes(CASES_HEADER, "G-0,2025-12-01,CSP,,,old"))
    before = _state(org)
    rows = [f"G-{n},2026-0{1 + n % 9}-1{n % 10},CSP,,," for n in range(10_000)]
    rows[7_777] = "G-7777,2026-04-31,CSP,,,"
    outcome = do_import("cases", csv_bytes(CASES_HEADER, *rows))
    assert not outcome.ok
    assert outcome.errors == [
        {
            "row": 7_779,
            "column": "opened_on",
            "message": "“2026-04-31” is not a date in the form YYYY-MM-DD.",
        }
    ]
    assert outcome.rows == 10_000
    assert _state(org) == before
    rows[7_777] = "G-7777,2026-04-30,CSP,,,"
    assert do_import("cases", csv_bytes(CASES_HEADER, *rows)).as_response() == {
        "created": 9_999,
        "updated": 1,
        "unchanged": 0,
    }
    counts = dict(
        MonthlyRollup.objects.filter(organization=org).values_list("month", "csp_case_count")
    )
    assert sum(counts.values()) == 10_000
    assert counts[date(2025, 12, 1)] == 0  # G-0 moved to January 2026


@pytest.mark.parametrize(
    ("data", "detail", "error"),
    [
        (b"", "The file is empty", None),
        (b"\xef\xbb\xbf\n\n", "The file is empty", "The header row is missing."),
        (csv_bytes(CASES_HEADER), "header row but no data rows", None),
        (
            csv_bytes(CASES_HEADER + ",priority", "H-1,2026-01-01,CSP,,,,high"),
            "does not match",
            "Unknown column “priority”",
        ),
        (csv_bytes("case_id,program", "H-1,CSP"), "does not match", "“opened_on” is missing"),
        (
            csv_bytes("case_id,case_id,opened_on,program", "H-1,H-1,2026-01-01,CSP"),
            "does not match",
            "appears more than once",
        ),
        (b"case_id,opened_on,program\n\xff\xfe,2026-01-01,CSP\n", "could not be read", "UTF-8"),
        (b"\xff\xfecase_id\n", "not UTF-8 text", None),
        (csv_bytes(CASES_HEADER, "H-1,2026-01-01,CSP,,,,extra"), "could not be read", "more"),
        (csv_bytes(CASES_HEADER, "H-1,2026-01-01"), "could not be read", "fewer values"),
        (csv_bytes(CASES_HEADER, 'H-1,2026-01-01,CSP,,,"open'), "could not be read", "quoted"),
    ],
)
def test_files_that_are_not_a_cases_csv_are_refused_with_a_clear_message(
    do_import, org, data, detail, error
):
    outcome = do_import("cases", data)
    assert not outcome.ok
    assert detail in outcome.detail
    if error:
        assert any(error in e["message"] for e in outcome.errors), outcome.errors
    assert not Case.objects.filter(organization=org).exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(do_import, org):
    data = csv_bytes(CASES_HEADER, "I-1,2026-01-01,CSP,,,")
    with override_settings(IMPORT_MAX_BYTES=len(data) - 1):
        outcome = do_import("cases", data)
    assert not outcome.ok
    assert "larger than" in outcome.detail
    assert not Case.objects.filter(organization=org).exists()


def test_only_a_partner_admin_of_the_organisation_may_import(do_import, org, partner_member):
    with pytest.raises(PermissionDenied):
        do_import("cases", csv_bytes(CASES_HEADER, "P-1,2026-01-01,CSP,,,"), by=partner_member)
    assert not ImportRecord.objects.exists() and not Case.objects.exists()


def test_every_import_is_recorded_with_its_outcome(do_import, org, partner_admin):
    do_import("cases", csv_bytes(CASES_HEADER, *GOOD_CASES))
    do_import("cases", csv_bytes(CASES_HEADER, "J-1,2099-01-01,CSP,,,"))
    ok, rejected = ImportRecord.objects.filter(organization=org).order_by("id")
    assert (ok.outcome, ok.created, ok.rows, ok.status, ok.progress) == ("ok", 4, 4, "done", 100)
    assert ok.imported_by == partner_admin and ok.file_name == "cases.csv"
    assert ok.finished_at is not None
    assert (rejected.outcome, rejected.error_count, rejected.created) == ("rejected", 1, 0)
    assert rejected.errors[0]["column"] == "opened_on"


def test_an_unexpected_failure_is_recorded_and_raised(do_import, org, monkeypatch):
    from metrics import importers

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importers, "_save", broken)
    with pytest.raises(RuntimeError):
        do_import("cases", csv_bytes(CASES_HEADER, "Z-1,2026-01-01,CSP,,,"))
    record = ImportRecord.objects.get()
    assert (record.status, record.outcome, record.detail) == ("done", "rejected", importers.FAILED)
    assert not Case.objects.exists()


def test_imports_into_one_organisation_leave_another_alone(do_import, org, other_org):
    other_admin = factories.MembershipFactory(organization=other_org, role="admin").user
    data = csv_bytes(CASES_HEADER, "K-1,2026-01-01,CSP,,,")
    do_import("cases", data, organization=other_org, by=other_admin)
    do_import("cases", csv_bytes(CASES_HEADER, "K-1,2026-02-01,EA,,,"))
    assert Case.objects.get(organization=other_org, case_id="K-1").program == "CSP"
    assert Case.objects.get(organization=org, case_id="K-1").program == "EA"
    assert MonthlyRollup.objects.get(organization=other_org).csp_case_count == 1
    assert not MonthlyRollup.objects.filter(organization=org).exists()  # EA does not count


def test_import_runs_a_fixed_number_of_queries_whatever_the_row_count(
    do_import, org, django_assert_max_num_queries
):
    rows = [f"M-{n},2026-0{1 + n % 9}-01,CSP,,,t{n}" for n in range(3_000)]
    with django_assert_max_num_queries(22):  # incl. rate before/after, rows per month
        assert do_import("cases", csv_bytes(CASES_HEADER, *rows)).ok
