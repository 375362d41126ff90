"""The pre-enrollment declaration against the facts of record: the pure rule at its edges, the
form's choices and prefill, and the API's 400 naming the field and the fact."""

from datetime import date

import pytest
from django.urls import reverse

from designation.rules.declarations import allowed_on, contradictions
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
