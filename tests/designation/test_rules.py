"""Prerequisite rules (SPEC section 3): pure functions, no database."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from designation.rules import (
    AccountFacts,
    CspFact,
    SolutionsPartnerFact,
    SupportContractFact,
    all_met,
    capability_score_qualifies,
    evaluate_prerequisites,
)

DAY = date(2026, 11, 21)
CODES = [
    "solutions_partner",
    "csp",
    "support_plan",
    "account_standing",
    "partner_center",
    "tax_billing",
    "code_of_conduct",
    "authorized_representative",
]


def eligible(**changes) -> AccountFacts:
    facts = AccountFacts(
        in_good_standing=True,
        partner_center_registered=True,
        tax_billing_on_file=True,
        code_of_conduct_accepted_on=date(2025, 1, 10),
        representative_attested=True,
        solutions_partner=(SolutionsPartnerFact("security", date(2026, 3, 1), date(2027, 3, 1)),),
        csp=(CspFact("direct_bill", date(2024, 1, 1)),),
        support_contracts=(SupportContractFact("psfp", date(2026, 1, 1), date(2027, 12, 31)),),
    )
    return replace(facts, **changes)


def outcome(facts: AccountFacts, code: str, on: date = DAY, **kwargs):
    return next(p for p in evaluate_prerequisites(facts, on, **kwargs) if p.code == code)


def test_every_prerequisite_is_reported_in_order_and_met_for_an_eligible_partner():
    results = evaluate_prerequisites(eligible(), DAY)
    assert [p.code for p in results] == CODES
    assert all(p.met and p.next_action == "" for p in results)
    assert all_met(results)


def test_nothing_recorded_means_every_prerequisite_unmet_with_its_next_action():
    results = evaluate_prerequisites(AccountFacts(), DAY)
    assert not any(p.met for p in results)
    assert {p.code: p.next_action for p in results} == {
        "solutions_partner": "Enroll in a Solutions Partner designation.",
        "csp": "Join CSP as Direct Bill or Distributor.",
        "support_plan": "Subscribe to a support plan (ASfP or PSfP).",
        "account_standing": "Resolve account standing.",
        "partner_center": "Complete Partner Center registration.",
        "tax_billing": "Add tax and billing information.",
        "code_of_conduct": "Accept the Partner Code of Conduct.",
        "authorized_representative": "Attest authorization.",
    }
    assert not all_met(results)


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("in_good_standing", "account_standing"),
        ("partner_center_registered", "partner_center"),
        ("tax_billing_on_file", "tax_billing"),
        ("representative_attested", "authorized_representative"),
    ],
)
def test_each_account_flag_unmet_alone(field, code):
    results = evaluate_prerequisites(eligible(**{field: False}), DAY)
    assert [p.code for p in results if not p.met] == [code]


def test_code_of_conduct_not_accepted_or_accepted_only_later():
    assert not outcome(eligible(code_of_conduct_accepted_on=None), "code_of_conduct").met
    later = eligible(code_of_conduct_accepted_on=DAY + timedelta(days=1))
    assert not outcome(later, "code_of_conduct").met
    assert outcome(eligible(code_of_conduct_accepted_on=DAY), "code_of_conduct").met


def test_solutions_partner_designation_active_on_its_anniversary_and_not_after():
    designation = SolutionsPartnerFact("modern_work", date(2025, 11, 21), DAY)
    facts = eligible(solutions_partner=(designation,))
    assert outcome(facts, "solutions_partner", DAY).met
    after = outcome(facts, "solutions_partner", DAY + timedelta(days=1))
    assert not after.met
    assert "anniversary" in after.detail
    assert after.next_action == "Enroll in a Solutions Partner designation."


def test_solutions_partner_designation_not_yet_attained():
    designation = SolutionsPartnerFact("modern_work", DAY + timedelta(days=1), date(2027, 12, 1))
    assert not outcome(eligible(solutions_partner=(designation,)), "solutions_partner").met


def test_one_active_designation_of_several_is_enough_and_score_is_detailed():
    lapsed = SolutionsPartnerFact("security", date(2024, 1, 1), date(2025, 1, 1))
    active = SolutionsPartnerFact("data_ai", date(2026, 1, 1), date(2027, 1, 1), 30, 25, 20)
    result = outcome(eligible(solutions_partner=(lapsed, active)), "solutions_partner")
    assert result.met
    assert "Data & AI (Azure)" in result.detail
    assert "capability score 75/100" in result.detail


@pytest.mark.parametrize(
    ("points", "qualifies"),
    [((30, 25, 15), True), ((30, 25, 14), False), ((70, 0, 0), False), ((None, 30, 40), None)],
)
def test_capability_score_70_of_100_with_points_in_every_category(points, qualifies):
    fact = SolutionsPartnerFact("security", date(2026, 1, 1), date(2027, 1, 1), *points)
    assert capability_score_qualifies(fact) is qualifies


@pytest.mark.parametrize("kind", ["direct_bill", "distributor"])
def test_csp_direct_bill_and_distributor_are_eligible(kind):
    assert outcome(eligible(csp=(CspFact(kind, date(2024, 1, 1)),)), "csp").met


def test_indirect_reseller_is_refused_with_the_exact_reason():
    result = outcome(eligible(csp=(CspFact("indirect_reseller", date(2024, 1, 1)),)), "csp")
    assert not result.met
    assert result.detail.startswith("Indirect resellers are not eligible")
    assert result.next_action == "Join CSP as Direct Bill or Distributor."


def test_csp_enrollment_that_ended_yesterday_is_not_active():
    ended = CspFact("direct_bill", date(2024, 1, 1), ended_on=DAY - timedelta(days=1))
    assert not outcome(eligible(csp=(ended,)), "csp").met
    ends_today = CspFact("direct_bill", date(2024, 1, 1), ended_on=DAY)
    assert outcome(eligible(csp=(ends_today,)), "csp").met


def _plan_ending(days: int, plan: str = "psfp") -> AccountFacts:
    return eligible(
        support_contracts=(SupportContractFact(plan, date(2026, 1, 1), DAY + timedelta(days)),)
    )


def test_support_plan_ending_today_is_met_with_a_warning():
    result = outcome(_plan_ending(0), "support_plan")
    assert result.met
    assert result.status == "warning"
    assert "in 0 days" in result.warning


def test_support_plan_ended_yesterday_is_unmet():
    result = outcome(_plan_ending(-1), "support_plan")
    assert not result.met
    assert result.detail == f"Your support plan ended on {(DAY - timedelta(1)).isoformat()}."
    assert result.next_action == "Subscribe to a support plan (ASfP or PSfP)."


def test_support_plan_ending_in_59_days_warns_and_in_61_days_does_not():
    in_59 = outcome(_plan_ending(59), "support_plan")
    in_61 = outcome(_plan_ending(61), "support_plan")
    assert in_59.met and in_59.status == "warning"
    assert "in 59 days" in in_59.warning
    assert in_61.met and in_61.status == "met" and in_61.warning == ""


def test_support_plan_followed_by_a_renewal_contract_does_not_warn():
    facts = eligible(
        support_contracts=(
            SupportContractFact("asfp", date(2026, 1, 1), DAY + timedelta(10)),
            SupportContractFact("asfp", DAY + timedelta(11), DAY + timedelta(400)),
        )
    )
    assert outcome(facts, "support_plan").status == "met"


def test_support_plan_starting_tomorrow_is_not_yet_active():
    facts = eligible(
        support_contracts=(SupportContractFact("asfp", DAY + timedelta(1), date(2028, 1, 1)),)
    )
    assert not outcome(facts, "support_plan").met


def test_unified_is_refused_until_the_program_says_it_is_generally_available():
    facts = _plan_ending(200, plan="unified")
    off = outcome(facts, "support_plan", unified_generally_available=False)
    on = outcome(facts, "support_plan", unified_generally_available=True)
    assert not off.met
    assert off.detail == "Unified for Partners is not yet accepted by the program."
    assert on.met
    assert "Unified for Partners" in on.detail


def test_support_plan_ending_in_exactly_60_days_warns():
    result = outcome(_plan_ending(60), "support_plan")
    assert result.status == "warning" and "in 60 days" in result.warning


def test_a_gap_in_support_cover_inside_60_days_warns_at_the_gap():
    facts = eligible(
        support_contracts=(
            SupportContractFact("asfp", date(2026, 1, 1), DAY + timedelta(10)),
            SupportContractFact("asfp", DAY + timedelta(30), DAY + timedelta(400)),
        )
    )
    result = outcome(facts, "support_plan")
    assert result.status == "warning"
    assert f"ends on {(DAY + timedelta(10)).isoformat()} (in 10 days)" in result.warning


def test_contracts_chained_past_60_days_do_not_warn():
    facts = eligible(
        support_contracts=(
            SupportContractFact("psfp", date(2026, 1, 1), DAY + timedelta(20)),
            SupportContractFact("asfp", DAY + timedelta(21), DAY + timedelta(40)),
            SupportContractFact("asfp", DAY + timedelta(41), DAY + timedelta(90)),
        )
    )
    assert outcome(facts, "support_plan").status == "met"
