"""Every number a person can type in a form of the portal (its own forms and the admin pages it
lets program admins edit), found by walking the project's modules and the admin site, driven
with huge, negative, fractional and non-numeric values: a form error giving the allowed range in
words, never an exception and never Django's digit-count wording.

A numeric field is bounded when it comes from portal/bounds.py (its `.allowed` names its Range);
a new numeric field that is neither bounded nor listed in NOT_TYPED with a reason fails here.
The API's operations are walked the same way in test_bounds_api.py.
"""

import importlib
import pkgutil
from decimal import Decimal, InvalidOperation

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import get_resolver

from portal import bounds

APPS = ("portal", "designation", "assessments", "metrics", "journey")
HOSTILE = ["99999999999999999999", "-1", "4.55", "0.001", "abc", "1e400", "NaN", "", " 12 x"]
DIGIT_WORDING = "Ensure that there are no more than"
NUMERIC = (forms.IntegerField, forms.DecimalField, forms.FloatField)

# What a form needs to be built (its keyword arguments); a form missing here fails the walk.
CONTEXT = {
    "portal.profile.ConfirmPasswordForm": {"user": User(username="someone")},
    "assessments.forms.EvidenceForm": {"kind": "capability"},
    "assessments.forms.ChangeRequestForm": {"kind": "capability"},
    "assessments.forms.ChangeAnswerForm": {"kind": "capability"},
    "assessments.forms.CommentForm": {"staff": True},
    "designation.views.directory.DirectoryFilterForm": {"countries": ["US"]},
}
# Numeric fields of admin pages no one can type into: the admin refuses adding and changing.
NOT_TYPED = {
    "admin designation.IncentiveGrant": "granted by the journey; the admin page is read-only",
    "admin assessments.AuditRecord": "recorded by the audit services; the admin is read-only",
}


def _label(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _project_forms() -> list[type]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in APPS and cls not in found:
            found.append(cls)
    return sorted(found, key=_label)


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_staff=True, is_superuser=True, is_active=True)
    return request


def _admin_forms() -> list[tuple[str, type]]:
    """The add form of each admin page a superuser may add or change with, and its inlines'."""
    get_resolver().url_patterns  # noqa: B018 (loading the URLs registers every admin)
    request, found = _superuser_request(), []
    for model, model_admin in admin.site._registry.items():
        label = f"admin {model._meta.label}"
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
            found.append((label, model_admin.get_form(request, change=False)))
        elif label in NOT_TYPED:
            continue
        else:
            found.append((label, model_admin.get_form(request, change=False)))
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request):
                found.append(
                    (f"{label} inline {inline.model._meta.label}", inline.get_formset(request).form)
                )
    return found


def _numeric_fields() -> list[tuple[str, type, dict, str]]:
    fields = []
    for cls in _project_forms():
        kwargs = CONTEXT.get(_label(cls), {})
        try:
            form = cls(**kwargs)
        except TypeError as exc:  # a new form with required arguments: give them in CONTEXT
            fields.append((_label(cls), cls, {"missing context": str(exc)}, ""))
            continue
        fields += [
            (_label(cls), cls, kwargs, n) for n, f in form.fields.items() if isinstance(f, NUMERIC)
        ]
    for label, cls in _admin_forms():
        fields += [
            (label, cls, {}, n) for n, f in cls.base_fields.items() if isinstance(f, NUMERIC)
        ]
    return fields


FIELDS = _numeric_fields()
pytestmark = pytest.mark.django_db


def _acceptable(value: str, allowed: bounds.Range) -> bool:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return False
    if not number.is_finite() or not allowed.low <= number <= allowed.high:
        return False
    return number == number.quantize(Decimal(1).scaleb(-allowed.places))


def test_the_walk_finds_the_forms_people_type_numbers_into():
    found = {(label, name) for label, _, _, name in FIELDS}
    assert ("assessments.forms.PerformanceSubmitForm", "validated_case_volume") in found
    assert ("designation.forms.SolutionsPartnerForm", "skilling_points") in found
    assert ("admin designation.ProgramRules", "csat_minimum") in found
    assert ("admin assessments.FeeSchedule", "amount") in found
    assert not any(label in NOT_TYPED for label in {label for label, *_ in FIELDS})


@pytest.mark.parametrize(
    ("label", "form_class", "kwargs", "name"),
    [pytest.param(*field, id=f"{field[0]}.{field[3]}") for field in FIELDS],
)
def test_every_typed_number_refuses_out_of_range_values_in_words(label, form_class, kwargs, name):
    assert "missing context" not in kwargs, f"{label}: add what it needs to CONTEXT ({kwargs})"
    field = form_class(**kwargs).fields[name]
    allowed = getattr(field, "allowed", None)
    assert isinstance(allowed, bounds.Range), f"{label}.{name} is not bounded by portal/bounds.py"
    for value in HOSTILE:
        form = form_class({name: value}, **kwargs)
        form.is_valid()  # never raises
        errors = " ".join(form.errors.get(name, []))
        assert DIGIT_WORDING not in errors
        if _acceptable(value, allowed) or (value == "" and not field.required):
            assert not errors, (label, name, value, errors)
        elif value != "":
            assert allowed.words() in errors, (label, name, value, errors)
        else:
            assert errors, (label, name, value)


def test_range_words_read_as_a_person_would_say_them():
    assert bounds.CSAT_SCORE.words() == "a score from 1.0 to 5.0 with at most one decimal place"
    assert bounds.CASE_VOLUME.words() == "a whole number of cases from 0 to 1,000,000"
    assert bounds.REVENUE_AMOUNT.words() == (
        "an amount in USD from 0 to 999,999,999,999.99 with at most two decimal places"
    )
