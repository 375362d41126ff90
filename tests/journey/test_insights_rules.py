"""The readiness rule: each step's outlook from figures, with no database and no clock."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from designation import rules as designation_rules
from journey.insights import rules

START = date(2026, 12, 1)
FULL_FACTS = dict(
    in_good_standing=True,
    partner_center_registered=True,
    tax_billing_on_file=True,
    code_of_conduct_accepted_on=date(2026, 1, 5),
    representative_attested=True,
    solutions_partner=(
        designation_rules.SolutionsPartnerFact("modern_work", date(2025, 1, 1), date(2028, 1, 1)),
    ),
    csp=(designation_rules.CspFact("direct_bill", date(2024, 1, 1)),),
)
FEES = {
    "performance": (Decimal("1350.00"), "USD"),
    "csat": (Decimal("500.00"), "USD"),
    "capability": (Decimal("1500.00"), "USD"),
}
ALL_COMPONENTS = frozenset(code for code, _ in rules.audit_rules.CAPABILITY_COMPONENTS)
END = rules.journey_dates(START, performance_window_days=30, audit_due_days=30)[4]


def facts(*, plan_ends_on=date(2028, 6, 30)):
    contract = designation_rules.SupportContractFact("psfp", date(2025, 7, 1), plan_ends_on)
    return designation_rules.AccountFacts(**FULL_FACTS, support_contracts=(contract,))


def figures(**changes):
    values = dict(
        start_on=START,
        facts=facts(),
        unified_generally_available=False,
        performance_window_days=30,
        case_rate_target=Decimal("20.00"),
        case_volume=100,
        billed_revenue_usd=Decimal("10000000.00"),  # rate 10.00
        trend=[(date(2026, m, 1), Decimal("10.00")) for m in range(5, 11)],
        csat_minimum=Decimal("4.0"),
        last_csat=rules.CsatResult(Decimal("4.5"), True, True, date(2027, 12, 31)),
        evidence_ready=ALL_COMPONENTS,
        fees=FEES,
    )
    return rules.ReadinessFigures(**{**values, **changes})


def step(result, number):
    return next(s for s in result.steps if s.number == number)


def test_journey_dates_follow_the_window_and_the_audit_due_days():
    dates = rules.journey_dates(START, performance_window_days=30, audit_due_days=30)
    assert dates == {2: date(2026, 12, 30), 3: date(2027, 1, 29), 4: date(2027, 2, 28)}


def test_everything_in_order_is_ready_and_costs_one_attempt_each():
    result = rules.readiness(figures())
    assert [s.outlook for s in result.steps] == ["likely"] * 4
    assert result.overall == "likely"
    assert result.fee_totals == ["USD 3,350.00"] and result.expected_retakes == 0


def test_a_rate_exactly_at_the_target_is_ready():
    result = rules.readiness(figures(case_volume=200))  # 200 / USD 10M = 20.00
    assert result.case_rate == Decimal("20.00")
    assert step(result, 2).outlook == "likely"
    assert "within the target" in step(result, 2).reasons[0]


def test_a_rate_one_case_above_the_target_is_not_ready_and_says_the_what_if():
    result = rules.readiness(figures(case_volume=201, billed_revenue_usd=Decimal("10000000")))
    performance = step(result, 2)
    assert performance.outlook == "unlikely"
    assert "1 fewer CSP cases" in performance.reasons[1]
    # A step that looks likely to fail is priced with its retake.
    assert result.fee_totals == ["USD 4,700.00"] and result.expected_retakes == 1


def test_no_revenue_cannot_pass():
    result = rules.readiness(figures(case_volume=3, billed_revenue_usd=Decimal("0")))
    assert result.case_rate is None
    assert step(result, 2).outlook == "unlikely"
    assert "undefined" in step(result, 2).reasons[0]


def test_a_plan_ending_on_the_last_day_of_the_journey_covers_it():
    result = rules.readiness(figures(facts=facts(plan_ends_on=END)))
    assert step(result, 1).outlook == "likely"


def test_a_plan_ending_the_day_before_the_journey_ends_puts_it_at_risk():
    result = rules.readiness(figures(facts=facts(plan_ends_on=END - timedelta(days=1))))
    prerequisites = step(result, 1)
    assert prerequisites.outlook == "at_risk"
    assert "Partner support plan" in prerequisites.reasons[0]
    assert END.isoformat() in prerequisites.reasons[0]


def test_an_unmet_prerequisite_on_the_start_day_is_not_ready_with_its_next_action():
    unmet = designation_rules.AccountFacts(**{**FULL_FACTS, "in_good_standing": False})
    result = rules.readiness(figures(facts=unmet))
    assert step(result, 1).outlook == "unlikely"
    assert any("Resolve account standing." in r for r in step(result, 1).reasons)


def test_csat_without_a_survey_is_unknown_and_a_failed_one_unlikely():
    assert step(rules.readiness(figures(last_csat=None)), 3).outlook == "unknown"
    failed = rules.CsatResult(Decimal("3.5"), True, False, None)
    result = rules.readiness(figures(last_csat=failed))
    assert step(result, 3).outlook == "unlikely" and "3.5 / 5" in step(result, 3).reasons[0]


def test_capability_lists_the_components_still_without_evidence():
    ready = ALL_COMPONENTS - {"service_levels"}
    capability = step(rules.readiness(figures(evidence_ready=ready)), 4)
    assert capability.outlook == "at_risk"
    assert capability.reasons == (
        "Evidence ready for 10 of 11 components.",
        "Missing: Service level commitments.",
    )
    # Evidence can still be uploaded when the audit opens: a risk, not a retake.
    nothing = rules.readiness(figures(evidence_ready=frozenset()))
    assert step(nothing, 4).outlook == "at_risk" and nothing.expected_retakes == 0


def test_steps_already_passed_cost_nothing():
    result = rules.readiness(figures(steps_done=frozenset({1, 2})))
    assert step(result, 2).outlook == "done"
    assert [line.kind for line in result.fees] == ["csat", "capability"]


def _trend(*values):
    months = [date(2026, m, 1) for m in range(5, 5 + len(values))]
    return [(m, None if v is None else Decimal(v)) for m, v in zip(months, values, strict=True)]


@pytest.mark.parametrize(
    ("values", "words"),
    [
        # 30 -> 25 over six months: 1.00 a month, 5 months from 2026-10 to reach 20.
        (("30", "29", "28", "27", "26", "25"), "crosses the target in 2027-03"),
        (("10", "12", "14", "16", "18", "19"), "rises above the target in 2026-11"),
        # Rising 1.00 a month from 19: 20.00 in 2026-11 still meets, 21.00 in 2026-12 does not.
        (("14", "15", "16", "17", "18", "19"), "rises above the target in 2026-12"),
        (("25", "26", "27", "28", "29", "30"), "stays above the target"),
        (("25", "25", "25", "25", "25", "25"), "flat, above the target"),
        ((None, None, None, None, None, None), "no trend to project"),
        (("30.00", "29.99", "29.98", "29.97", "29.96", "29.95"), "not cross the target within"),
    ],
)
def test_the_trend_is_projected_in_words(values, words):
    assert words in rules.project_trend(_trend(*values), Decimal("20.00"))
