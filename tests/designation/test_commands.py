"""seed_demo and program-rule versions."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory

from designation import selectors
from designation.models import Organization, ProgramRules

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_twice_gives_the_same_row_counts(capsys):
    call_command("seed_demo")
    first = row_counts()
    call_command("seed_demo")
    assert row_counts() == first
    output = capsys.readouterr().out
    for name in ("contoso", "litware", "adatum", "reviewer", "auditor", "admin"):
        assert f"  {name} " in output
    assert "designation-demo" in output


def test_demo_organisations_sit_where_the_readme_says():
    call_command("seed_demo")
    today = date.today()

    def unmet(legal_name):
        org = Organization.objects.get(legal_name=legal_name)
        return {p.code: p.detail for p in selectors.prerequisites_for(org, today) if not p.met}

    assert unmet("Contoso Support") == {}
    assert list(unmet("Litware")) == ["csp"]
    assert unmet("Litware")["csp"].startswith("Indirect resellers are not eligible")
    assert list(unmet("Adatum")) == ["support_plan"]


def test_program_rules_in_force_on_a_day_is_the_latest_version_before_it():
    launch = ProgramRules.objects.in_force(date(2026, 1, 1))
    assert launch.case_rate_target == pytest.approx(20) and launch.incentive_quota == 100
    stricter = ProgramRules.objects.create(effective_from=date(2026, 6, 1), case_rate_target=15)
    assert ProgramRules.objects.in_force(date(2026, 5, 31)) == launch
    assert ProgramRules.objects.in_force(date(2026, 6, 1)) == stricter


def test_editing_program_rules_in_admin_keeps_the_old_version(admin_user):
    version = ProgramRules.objects.get()
    model_admin = site._registry[ProgramRules]
    request = RequestFactory().post("/")
    request.user = admin_user
    version.case_rate_target = 18
    version.effective_from = date(2026, 7, 1)
    model_admin.save_model(request, version, form=None, change=True)
    versions = list(
        ProgramRules.objects.order_by("effective_from").values_list("case_rate_target", flat=True)
    )
    assert versions == [20, 18]
    assert ProgramRules.objects.in_force(date(2026, 7, 1)).created_by == admin_user
