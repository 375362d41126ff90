"""Pure audit rules: every pass mark at, above and below its threshold; validation; evidence."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from assessments import evidence
from assessments import rules as r
from designation.rules import case_rate, meets_target

D = Decimal


def scores(function=80, skills=75, metrics=70):
    return {
        "support_function": function,
        "support_staff_skills": skills,
        "support_performance_metrics": metrics,
    }


@pytest.mark.parametrize(
    ("rate", "passes"),
    [(D("19.99"), True), (D("20.00"), True), (D("20.01"), False), (None, False)],
)
def test_performance_passes_at_or_below_the_target_and_never_without_revenue(rate, passes):
    assert meets_target(rate, D("20.00")) is passes


def test_case_rate_is_cases_per_million_rounded_and_undefined_without_revenue():
    assert case_rate(12, D("600000")) == D("20.00")
    assert case_rate(1, D("3000000")) == D("0.33")
    assert case_rate(5, D("0")) is None


@pytest.mark.parametrize(
    ("methodology_ok", "score", "passes"),
    [
        (True, D("4.0"), True),
        (True, D("3.9"), False),
        (True, D("5.0"), True),
        (False, D("5.0"), False),
    ],
)
def test_csat_passes_with_accepted_methodology_at_or_above_the_minimum(
    methodology_ok, score, passes
):
    assert r.csat_passes(methodology_ok=methodology_ok, score=score, minimum=D("4.0")) is passes


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("1.0", D("1.0")), ("5", D("5")), ("4.2", D("4.2")), ("0.9", None), ("5.1", None)]
    + [("4.25", None), ("abc", None), ("NaN", None), (None, None)],
)
def test_csat_score_is_from_1_to_5_with_one_decimal(raw, parsed):
    assert r.parse_csat_score(raw) == parsed


def test_capability_total_is_the_mean_of_the_three_dimensions():
    assert r.capability_total(scores(80, 75, 70)) == D("75.00")
    assert r.capability_total(scores(70, 70, 71)) == D("70.33")


@pytest.mark.parametrize(
    ("values", "passes"),
    [
        ((70, 70, 70), True),  # total exactly at the minimum
        ((90, 70, 50), True),  # one dimension exactly at its minimum
        ((100, 60, 49), False),  # a dimension below 50 fails whatever the total
        ((70, 70, 69), False),  # total 69.67 is below 70
    ],
)
def test_capability_passes_when_total_and_every_dimension_reach_their_minimums(values, passes):
    assert r.capability_passes(scores(*values), minimum_total=70, minimum_dimension=50) is passes


def test_capability_scores_must_be_whole_numbers_from_0_to_100_for_every_dimension():
    assert r.capability_score_errors(scores()) == {}
    errors = r.capability_score_errors(
        {"support_function": 101, "support_staff_skills": 7.5, "extra": 1}
    )
    assert set(errors) == {
        "support_function",
        "support_staff_skills",
        "support_performance_metrics",
        "extra",
    }


def test_capability_needs_all_eleven_components_csat_its_report_performance_none():
    assert len(r.CAPABILITY_COMPONENTS) == 11
    codes = [code for code, _ in r.CAPABILITY_COMPONENTS]
    assert r.missing_components("capability", codes) == []
    assert r.missing_components("capability", codes[1:]) == ["Support processes and procedures"]
    assert r.missing_components("csat", []) == [r.CSAT_REPORT]
    assert r.missing_components("csat", ["supporting"]) == []
    assert r.missing_components("performance", []) == []


def test_performance_submission_needs_a_volume_and_a_reason_per_excluded_case():
    case = r.ExcludedCaseInput
    assert r.performance_submission_errors(10, [case("C1", "duplicate")]) == {}
    assert "validated_case_volume" in r.performance_submission_errors(None, [])
    assert "excluded_cases" in r.performance_submission_errors(3, [case("C1", " ")])
    assert "excluded_cases" in r.performance_submission_errors(
        3, [case("C1", "dup"), case("C1", "dup")]
    )


def test_money_is_shown_with_currency_and_thousands():
    assert r.format_money(D("1350"), "USD") == "USD 1,350.00"


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "..\\..\\windows\\win.ini", "..", ".htaccess", "a/b.pdf", "x\x00.pdf"],
)
def test_path_like_or_hidden_names_are_refused(name):
    with pytest.raises(evidence.EvidenceRefused):
        evidence.clean_original_name(name)


def test_an_ordinary_name_is_kept_and_a_long_one_shortened_keeping_its_extension():
    assert evidence.clean_original_name("Case report 2026.pdf") == "Case report 2026.pdf"
    long_name = evidence.clean_original_name("a" * 300 + ".pdf")
    assert len(long_name) == 150 and long_name.endswith(".pdf")


def test_size_limit_is_inclusive_and_empty_files_are_refused():
    assert evidence.size_refusal(25, 25) is None
    assert "at most" in evidence.size_refusal(26, 25)
    assert evidence.size_refusal(0, 25) == "The file is empty."


@pytest.mark.parametrize(
    ("content_type", "accepted"),
    [
        ("application/pdf", True),
        ("image/png", True),
        ("image/jpeg", True),
        (evidence.DOCX, True),
        (evidence.XLSX, True),
        ("text/csv", True),
        ("text/plain", True),
        ("text/html", False),
        ("image/svg+xml", False),
        ("application/x-dosexec", False),
        ("application/zip", False),
    ],
)
def test_only_the_seven_evidence_types_are_accepted(content_type, accepted):
    assert (evidence.type_refusal(content_type) is None) is accepted


def test_the_validated_volume_is_at_most_the_frozen_volume_minus_the_exclusions():
    one = [r.ExcludedCaseInput("C-1", "Duplicate")]
    assert r.performance_submission_errors(57, one, 58) == {}
    assert r.performance_submission_errors(0, [], 0) == {}
    errors = r.performance_submission_errors(58, one, 58)
    assert "at most 57: 58 cases were frozen" in errors["validated_case_volume"]
    assert "at most 58" in r.performance_submission_errors(100, [], 58)["validated_case_volume"]
    assert r.performance_submission_errors(100, [], None) == {}  # nothing frozen: no bound


# --- the validated volume: frozen less exclusions, or an explicit adjustment with its reason


def test_the_validated_volume_is_the_frozen_volume_less_the_exclusions_unless_adjusted():
    assert r.validated_volume(58, 3, None) == (55, None)
    assert r.validated_volume(58, 3, 55) == (55, None)  # the same number is no adjustment
    assert r.validated_volume(58, 3, 50) == (50, -5)
    assert r.validated_volume(2, 5, None) == (0, None)


def test_an_adjustment_needs_a_reason():
    assert "adjustment_reason" in r.adjustment_errors(-5, "  ")
    assert "-5" in r.adjustment_errors(-5, "")["adjustment_reason"]
    assert r.adjustment_errors(-5, "Merged tickets.") == {}
    assert r.adjustment_errors(None, "") == {}


def test_a_submission_without_a_volume_is_fine_when_frozen_figures_exist():
    assert r.performance_submission_errors(None, [], 58) == {}
    assert "validated_case_volume" in r.performance_submission_errors(None, [], None)
    many = [r.ExcludedCaseInput(f"C-{n}", "dup") for n in range(3)]
    assert "only 2 were frozen" in r.performance_submission_errors(None, many, 2)["excluded_cases"]


# --- corrections: the assigned auditor until the journey moved past the step, then a reviewer


def test_the_journey_moves_past_a_step_when_the_enrollment_leaves_it_or_a_retake_starts():
    at_step = {"enrollment_state": "customer_success", "step_state": "customer_success"}
    assert not r.step_moved_past(**at_step, later_attempt=False)
    assert r.step_moved_past(**at_step, later_attempt=True)
    assert r.step_moved_past(
        enrollment_state="capability", step_state="customer_success", later_attempt=False
    )


def test_the_assigned_auditor_corrects_until_the_journey_moved_past_then_only_a_reviewer():
    def refusal(**kw):
        base = {"assigned_auditor": False, "reviewer": False, "moved_past": False}
        return r.correction_refusal(**{**base, "determined": False, **kw})

    assert refusal(assigned_auditor=True) is None  # the last moment
    assert "only a microsoft reviewer" in refusal(assigned_auditor=True, moved_past=True).lower()
    assert "Microsoft determined it" in refusal(assigned_auditor=True, determined=True)
    assert "assigned auditor corrects" in refusal(reviewer=True)
    assert refusal(reviewer=True, moved_past=True) is None
    assert refusal(reviewer=True, determined=True) is None
    assert refusal() == "Only the assigned auditor can correct this record."
    assert refusal(moved_past=True) == "Only a Microsoft reviewer can correct this record now."
    assert r.who_corrects(moved_past=False, determined=False) == r.AUDITOR
    assert r.who_corrects(moved_past=True, determined=False) == r.REVIEWER


def test_after_the_journey_moved_past_a_correction_must_keep_the_outcome():
    assert r.correction_outcome_refusal(moved_past=False, before="pass", after="fail") is None
    assert r.correction_outcome_refusal(moved_past=True, before="pass", after="pass") is None
    assert r.correction_outcome_refusal(moved_past=True, before="", after="") is None
    refused = r.correction_outcome_refusal(moved_past=True, before="fail", after="pass")
    assert refused.startswith("Nothing was recorded: this correction would turn a fail into a pass")


def test_the_performance_volume_puts_the_volume_rules_together():
    dup = [r.ExcludedCaseInput("C-1", "dup")]
    assert r.performance_volume(12, dup, None, "") == r.PerformanceVolume(11, None, {})
    assert r.performance_volume(12, dup, 9, "merged") == r.PerformanceVolume(9, -2, {})
    assert "adjustment_reason" in r.performance_volume(12, dup, 9, " ").errors
    assert "validated_case_volume" in r.performance_volume(12, dup, 12, "x").errors  # above 11


# --- Appeals: the window to file, and the day a reviewer should decide by ----------------------


@pytest.mark.parametrize(
    ("decided_on", "closes_on"),
    [
        (date(2026, 1, 31), date(2026, 3, 2)),  # across a 28-day February
        (date(2028, 1, 31), date(2028, 3, 1)),  # across a leap February (29 days)
        (date(2028, 2, 29), date(2028, 3, 30)),  # decided on a leap day
        (date(2026, 12, 15), date(2027, 1, 14)),  # across the year end
    ],
)
def test_appeal_window_closes_thirty_days_after_the_decision(decided_on, closes_on):
    assert r.appeal_closes_on(decided_on) == closes_on
    assert (r.appeal_closes_on(decided_on) - decided_on).days == r.APPEAL_WINDOW_DAYS == 30


def test_appeal_window_follows_the_programs_days():
    assert r.appeal_closes_on(date(2026, 3, 1), days=14) == date(2026, 3, 15)
    assert r.appeal_closes_on(date(2026, 3, 1), days=0) == date(2026, 3, 1)  # the same day only


@pytest.mark.parametrize(
    ("filed_on", "due_on"),
    [
        (date(2026, 2, 1), date(2026, 3, 3)),
        (date(2028, 2, 1), date(2028, 3, 2)),  # leap February
        (date(2028, 2, 29), date(2028, 3, 30)),
        (date(2026, 12, 31), date(2027, 1, 30)),
    ],
)
def test_appeal_decision_is_due_thirty_days_after_filing(filed_on, due_on):
    assert r.appeal_decision_due_on(filed_on) == due_on
    assert r.appeal_decision_due_on(filed_on, days=1) == filed_on + timedelta(days=1)
