"""The sample files the README points newcomers to import cleanly, and a second time unchanged."""

from pathlib import Path

import pytest

from metrics import services
from metrics.selectors import case_rate_for
from tests.designation.factories import TODAY

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def load(org, user, kind):
    path = SAMPLES / f"{kind}.csv"
    with path.open("rb") as fileobj:
        _, outcome = services.import_file(
            organization=org,
            kind=kind,
            fileobj=fileobj,
            file_name=path.name,
            size=path.stat().st_size,
            by=user,
            today=TODAY,
        )
    return outcome


def test_the_readme_samples_import_and_give_a_rate_under_the_target(org, partner_admin):
    cases, revenue = load(org, partner_admin, "cases"), load(org, partner_admin, "revenue")
    assert (cases.created, cases.updated, cases.unchanged) == (36, 0, 0)
    assert (revenue.created, revenue.updated, revenue.unchanged) == (24, 0, 0)
    figures = case_rate_for(org, TODAY)
    assert figures.case_volume == 24  # CSP cases only: 2 of each month's 3
    assert figures.case_rate is not None and figures.case_rate < 20
    again = load(org, partner_admin, "cases")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 36)
