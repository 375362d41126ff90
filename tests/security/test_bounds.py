"""Every number of the audit forms and audit API operations, driven with huge, negative,
fractional and non-numeric values: a 400 or form error giving the allowed range in words, never
a 500 and never Django's digit-count wording."""

import pytest
from django.urls import reverse

from assessments.forms import (
    CapabilitySubmitForm,
    CsatSubmitForm,
    DetermineForm,
    PerformanceSubmitForm,
)
from designation.forms import SolutionsPartnerForm
from portal import bounds
from tests.assessments.factories import audit_for
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db

HOSTILE = ["99999999999999999999", "-1", "4.55", "0.001", "abc", "1e400", "NaN", "", " 12 x"]
DIGIT_WORDING = "Ensure that there are no more than"

FORM_FIELDS = [
    (SolutionsPartnerForm, "performance_points", bounds.CAPABILITY_POINTS, {"area": "security"}),
    (PerformanceSubmitForm, "validated_case_volume", bounds.CASE_VOLUME, {}),
    (CsatSubmitForm, "score", bounds.CSAT_SCORE, {"methodology_ok": "yes"}),
    (CapabilitySubmitForm, "support_function", bounds.CAPABILITY_SCORE, {}),
    (DetermineForm, "final_case_rate", bounds.CASE_RATE, {}),
]


def _acceptable(value: str, allowed: bounds.Range) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return False
    if not number.is_finite() or not allowed.low <= number <= allowed.high:
        return False
    return number == number.quantize(Decimal(1).scaleb(-allowed.places))


@pytest.mark.parametrize(("form_class", "name", "allowed", "other"), FORM_FIELDS)
@pytest.mark.parametrize("value", HOSTILE)
def test_form_numbers_refuse_out_of_range_values_in_words(form_class, name, allowed, other, value):
    form = form_class({**other, name: value})
    assert not form.is_valid() or name not in form.errors
    if _acceptable(value, allowed) or (value == "" and not form.fields[name].required):
        assert name not in form.errors
        return
    errors = " ".join(form.errors.get(name, []))
    assert errors, (name, value)
    assert DIGIT_WORDING not in errors
    if value != "":
        assert allowed.words() in errors, errors


def test_range_words_read_as_a_person_would_say_them():
    assert bounds.CSAT_SCORE.words() == "a score from 1.0 to 5.0 with at most one decimal place"
    assert bounds.CASE_VOLUME.words() == "a whole number of cases from 0 to 1,000,000"


@pytest.fixture
def audits(auditor, reviewer):
    performance = audit_for(
        enrollment_at("performance", attempt_status="in_progress"),
        "performance",
        auditor=auditor,
        frozen_case_volume=12,
    )
    csat = audit_for(enrollment_at("customer_success"), "csat", auditor=auditor)
    capability = audit_for(enrollment_at("capability"), "capability", auditor=auditor)
    submitted = audit_for(
        enrollment_at("performance", attempt_status="in_progress"),
        "performance",
        auditor=auditor,
        status="submitted",
        validated_case_volume=10,
        proposed_case_rate="10.00",
    )
    return {"performance": performance, "csat": csat, "capability": capability, "det": submitted}


PASSING_SCORES_API = {
    "support_function": 80,
    "support_staff_skills": 80,
    "support_performance_metrics": 80,
}
API_FIELDS = [
    ("performance", "submit", lambda v: {"validated_case_volume": v}, bounds.CASE_VOLUME),
    ("csat", "submit", lambda v: {"methodology_ok": True, "score": v}, bounds.CSAT_SCORE),
    (
        "capability",
        "submit",
        lambda v: {
            "scores": {"support_function": v, "staff_skills": 80, "performance_metrics": 80}
        },
        bounds.CAPABILITY_SCORE,
    ),
    ("det", "determine", lambda v: {"final_case_rate": v, "reason": "x"}, bounds.CASE_RATE),
]
API_HOSTILE = ["99999999999999999999", -1, "4.55", "0.001", "abc", 1e300, "NaN", 12.5]


@pytest.mark.parametrize(("audit_key", "action", "body", "allowed"), API_FIELDS)
def test_api_numbers_answer_400_with_the_range_never_500(
    api_client, auditor, reviewer, audits, audit_key, action, body, allowed
):
    audit = audits[audit_key]
    api_client.force_authenticate(reviewer if action == "determine" else auditor)
    url = reverse(f"audit-{action}", args=[audit.pk])
    for value in API_HOSTILE:
        if _acceptable(str(value), allowed):
            continue
        answer = api_client.post(url, body(value), format="json")
        assert answer.status_code == 400, (value, answer.content)
        text = answer.content.decode()
        assert DIGIT_WORDING not in text
        assert allowed.words() in text, (value, text)
    audit.refresh_from_db()
    assert audit.status in ("claimed", "submitted")
