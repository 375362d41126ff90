"""The pre-enrollment declaration against the facts of record: the pure rule at its edges, the
form's choices and prefill, and the API's 400 naming the field and the fact."""

from datetime import date

import pytest
from django.urls import reverse

from designation.rules.declarations import (
    Provenance,
    allowed_on,
    contradictions,
    declared_vs_recorded,
)
from designation.rules.prerequisites import (
    AccountFacts,
    CspFact,
    SolutionsPartnerFact,
    SupportContractFact,
)
from tests.designation.factories import PRE_ENROLLMENT_FORM

DAY = date(2026, 11, 21)
FACTS = AccountFacts(
    solutions_partner=(
        SolutionsPartnerFact("security", date(2025, 11, 21), DAY),  # last active day: DAY
        SolutionsPartnerFact("modern_work", DAY, date(2027, 11, 21)),  # first active day: DAY
        SolutionsPartnerFact("data_ai", date(2024, 1, 1), date(2026, 11, 20)),  # lapsed
    ),
    csp=(
        CspFact("direct_bill", date(2020, 1, 1), DAY),  # ends on DAY: still active
        CspFact("distributor", date(2026, 11, 22)),  # starts tomorrow
        CspFact("indirect_reseller", date(2020, 1, 1)),  # active but never eligible
    ),
    support_contracts=(
        SupportContractFact("psfp", date(2026, 1, 1), DAY),
        SupportContractFact("unified", date(2026, 1, 1), date(2027, 1, 1)),
        SupportContractFact("asfp", date(2026, 11, 22), date(2027, 1, 1)),
    ),
)


def test_allowed_values_are_the_active_facts_on_the_day_at_both_edges():
    allowed = allowed_on(FACTS, DAY, unified_generally_available=False)
    assert allowed.solution_areas == ("modern_work", "security")
    assert allowed.csp_types == ("direct_bill",)
    assert allowed.support_plans == ("psfp",)
    next_day = allowed_on(FACTS, date(2026, 11, 22), unified_generally_available=True)
    assert next_day.solution_areas == ("modern_work",)
    assert next_day.csp_types == ("distributor",)
    assert next_day.support_plans == ("asfp", "unified")


def _check(**declared):
    values = {"solution_areas": ["security"], "csp_type": "direct_bill", "support_plan": "psfp"}
    return contradictions(
        **{**values, **declared}, facts=FACTS, on=DAY, unified_generally_available=False
    )


def test_a_declaration_matching_the_facts_has_no_contradiction():
    assert _check() == []
    assert _check(solution_areas=["security", "modern_work"]) == []


@pytest.mark.parametrize(
    ("declared", "field", "words"),
    [
        ({"solution_areas": ["data_ai"]}, "solution_areas", "Data & AI (Azure)"),
        ({"csp_type": "indirect_reseller"}, "csp_type", "no active Indirect reseller"),
        ({"csp_type": "distributor"}, "csp_type", "eligible and active: Direct Bill"),
        ({"support_plan": "unified"}, "support_plan", "Unified for Partners is not yet accepted"),
        ({"support_plan": "asfp"}, "support_plan", "no active Advanced Support for Partners"),
    ],
)
def test_each_contradiction_names_the_field_and_the_fact(declared, field, words):
    found = _check(**declared)
    assert [c.field for c in found] == [field]
    assert words in found[0].message and "2026-11-21" in found[0].message


@pytest.mark.django_db
def test_the_form_offers_only_the_facts_and_prefills_the_contact(client, partner_admin, org, today):
    partner_admin.first_name, partner_admin.last_name = "Dana", "Admin"
    partner_admin.save()
    client.force_login(partner_admin)
    html = client.get(reverse("enrollment-apply", args=[org.pk])).content.decode()
    assert 'value="Dana Admin"' in html and f'value="{partner_admin.email}"' in html
    assert 'value="security"' in html and 'value="modern_work"' not in html
    assert 'value="direct_bill"' in html and 'value="indirect_reseller"' not in html
    assert 'value="psfp"' in html and 'value="unified"' not in html


@pytest.mark.django_db
def test_the_api_refuses_a_declaration_contradicting_the_facts(
    api_client, partner_admin, org, today
):
    api_client.force_authenticate(partner_admin)
    body = {**PRE_ENROLLMENT_FORM, "organization": org.pk, "csp_type": "indirect_reseller"}
    answer = api_client.post(reverse("enrollment-list"), body, format="json")
    assert answer.status_code == 400
    assert answer.json()["field"] == "csp_type"
    assert "Indirect reseller" in answer.json()["detail"]
    body = {**PRE_ENROLLMENT_FORM, "organization": org.pk, "solution_areas": ["modern_work"]}
    answer = api_client.post(reverse("enrollment-list"), body, format="json")
    assert (answer.status_code, answer.json()["field"]) == (400, "solution_areas")
    good = api_client.post(
        reverse("enrollment-list"), {**PRE_ENROLLMENT_FORM, "organization": org.pk}, format="json"
    )
    assert good.status_code == 201


@pytest.mark.django_db
def test_submit_refuses_a_draft_whose_facts_changed_since(partner_admin, reviewer, org, today):
    from designation import facts
    from journey import services
    from portal.errors import ConditionFailed

    draft = services.enrollment_create(
        organization_id=org.pk, by=partner_admin, on=today, form=dict(PRE_ENROLLMENT_FORM)
    )
    csp = org.csp_enrollments.get()
    facts.record_fact(
        organization_id=org.pk,
        kind="csp",
        fact_id=csp.pk,
        values={"kind": "distributor"},
        by=reviewer,
    )
    with pytest.raises(ConditionFailed) as refused:
        services.enrollment_submit(enrollment_id=draft.pk, by=partner_admin, on=today)
    assert refused.value.field == "csp_type"


# --- Declared vs recorded (the reviewer's panel) ---------------------------------------------

FEED = Provenance("Partner facts feed", date(2026, 10, 1))
REVIEWED = Provenance("Microsoft reviewer", None)


def _compare(**declared):
    values = {"solution_areas": ["security"], "csp_type": "direct_bill", "support_plan": "psfp"}
    rows = declared_vs_recorded(
        **{**values, **declared},
        solutions_partner=[(f, FEED) for f in FACTS.solutions_partner],
        csp=[(FACTS.csp[0], REVIEWED), *[(f, FEED) for f in FACTS.csp[1:]]],
        support_contracts=[(f, FEED) for f in FACTS.support_contracts],
        on=DAY,
        unified_generally_available=False,
    )
    return {row.field: row for row in rows}


def test_declared_values_backed_by_the_facts_agree_with_their_source_in_words():
    rows = _compare()
    assert [r.verdict for r in rows.values()] == ["Agrees", "Agrees", "Agrees"]
    assert rows["csp_type"].recorded == "Direct Bill, Indirect reseller"  # active that day
    assert rows["csp_type"].provenance == ("Microsoft reviewer, never confirmed",)
    assert rows["solution_areas"].recorded == "Modern Work, Security"
    assert rows["solution_areas"].provenance == ("Partner facts feed, last confirmed 2026-10-01",)
    assert rows["support_plan"].label == "Support plan"


def test_a_declaration_the_facts_do_not_back_differs_naming_what_is_recorded():
    rows = _compare(csp_type="distributor", solution_areas=["data_ai"], support_plan="asfp")
    assert rows["csp_type"].verdict == "Differs: recorded Direct Bill, Indirect reseller"
    assert rows["csp_type"].agrees is False
    assert rows["solution_areas"].verdict == "Differs: recorded Modern Work, Security"
    assert rows["support_plan"].verdict == (
        "Differs: recorded Premier Support for Partners, Unified for Partners"
    )
    assert "no active Advanced Support for Partners contract" in rows["support_plan"].explanation


def test_a_value_on_record_that_the_program_does_not_accept_differs_saying_so():
    rows = _compare(csp_type="indirect_reseller", support_plan="unified")
    assert rows["csp_type"].verdict == (
        "Differs: Indirect reseller is on record but not accepted by the program"
    )
    assert rows["support_plan"].verdict == (
        "Differs: Unified for Partners is on record but not accepted by the program"
    )
    assert rows["support_plan"].explanation.startswith("Unified for Partners is not yet accepted")


def test_agreement_is_exactly_the_absence_of_a_contradiction_on_that_day():
    for declared in (
        {},
        {"csp_type": "distributor"},
        {"solution_areas": ["security", "data_ai"]},
        {"support_plan": "unified"},
    ):
        values = {
            "solution_areas": ["security"],
            "csp_type": "direct_bill",
            "support_plan": "psfp",
            **declared,
        }
        found = {
            c.field
            for c in contradictions(
                **values, facts=FACTS, on=DAY, unified_generally_available=False
            )
        }
        rows = _compare(**declared)
        assert {f for f, r in rows.items() if not r.agrees} == found


def test_nothing_active_on_the_declaration_day_is_said_in_words():
    rows = declared_vs_recorded(
        solution_areas=["security"],
        csp_type="direct_bill",
        support_plan="psfp",
        solutions_partner=[],
        csp=[(CspFact("direct_bill", date(2027, 1, 1)), FEED)],  # starts later
        support_contracts=[],
        on=DAY,
        unified_generally_available=False,
    )
    assert [r.recorded for r in rows] == ["none active on 2026-11-21"] * 3
    assert rows[1].verdict == "Differs: recorded none active on 2026-11-21"
    assert rows[1].provenance == ()


def test_a_field_whose_facts_changed_after_the_declaration_says_when():
    rows = declared_vs_recorded(
        solution_areas=["security"],
        csp_type="direct_bill",
        support_plan="psfp",
        solutions_partner=[(f, FEED) for f in FACTS.solutions_partner],
        csp=[(f, FEED) for f in FACTS.csp],
        support_contracts=[(f, FEED) for f in FACTS.support_contracts],
        on=DAY,
        unified_generally_available=False,
        changed_after={"csp_type": date(2026, 11, 30)},
    )
    assert [bool(r.changed_since) for r in rows] == [False, True, False]
    assert rows[1].changed_since.startswith("Changed since the declaration, last on 2026-11-30")
