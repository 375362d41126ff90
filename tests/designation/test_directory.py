"""The public directory of designated partners: no sign-in, filters, search, lapsed ones gone."""

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from designation.models import Designation
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


def designated(name: str, *, country="US", areas=("security",), plan="psfp", state="active"):
    org = factories.EligibleOrganizationFactory(legal_name=name, country=country)
    enrollment = enrollment_at(
        "capability", organization=org, solution_areas=list(areas), support_plan=plan
    )
    designation = Designation.objects.create(
        organization=org,
        enrollment=enrollment,
        attained_on=TODAY - relativedelta(months=3),
        anniversary_on=TODAY + relativedelta(months=9),
    )
    if state != "active":
        Designation.objects.filter(pk=designation.pk).update(state=state)
    return designation


def directory(client, **query):
    response = client.get(reverse("directory"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_directory_lists_designated_partners_without_sign_in_and_links_to_verification(client):
    contoso = designated("Contoso Support")
    factories.EligibleOrganizationFactory(legal_name="Not Designated Ltd")
    html = directory(client)
    assert "Contoso Support" in html and "Not Designated Ltd" not in html
    assert reverse("verify-page", args=[contoso.credential_id]) in html
    assert "1 partner" in html


def test_lapsed_designations_disappear_from_the_directory(client):
    designated("Renewing Ltd", state="grace")
    designated("Lapsed Ltd", state="lapsed")
    html = directory(client)
    assert "Renewing Ltd" in html and "Lapsed Ltd" not in html


def test_directory_filters_by_area_country_and_support_plan_and_searches(client):
    designated("Alpha Security", country="US", areas=("security",), plan="psfp")
    designated("Beta Modern Work", country="GB", areas=("modern_work", "security"), plan="asfp")
    designated("Gamma Data", country="DE", areas=("data_ai",), plan="psfp")
    html = directory(client, area="security")
    assert "Alpha Security" in html and "Beta Modern Work" in html and "Gamma Data" not in html
    html = directory(client, country="GB")
    assert "Beta Modern Work" in html and "Alpha Security" not in html
    html = directory(client, plan="psfp")
    assert "Alpha Security" in html and "Gamma Data" in html and "Beta Modern Work" not in html
    html = directory(client, q="gamma")
    assert "Gamma Data" in html and "Alpha Security" not in html
    html = directory(client, area="security", country="DE")
    assert "No designated partner matches these filters" in html


def test_directory_filter_fields_have_labels_and_countries_come_from_the_listing(client):
    designated("Alpha Security", country="FR")
    html = directory(client)
    for field in ("q", "area", "country", "plan"):
        assert f'<label for="id_{field}">' in html
    assert '<option value="FR">France</option>' in html


def test_directory_is_paginated_with_its_filters_kept(client):
    for n in range(30):
        designated(f"Partner {n:02d} Support", country="US")
    html = directory(client, country="US")
    assert "Page 1 of 2" in html and "country=US&amp;page=2" in html
    assert "Partner 29 Support" in directory(client, country="US", page=2)


def test_anonymous_header_and_sign_in_page_link_to_the_directory(client):
    html = client.get(reverse("login")).content.decode()
    assert html.count(f'href="{reverse("directory")}"') >= 2  # header and the sign-in card


def test_directory_query_count_is_fixed(client, django_assert_max_num_queries):
    for n in range(25):
        designated(f"Partner {n:02d}")
    with django_assert_max_num_queries(4):
        directory(client)
