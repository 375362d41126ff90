"""No input reaches a 500 (issue 10, finding 4): each one answers 400 or 404 saying why."""

import json

import pytest
from django.urls import reverse

from tests.assessments.factories import audit_for
from tests.conftest import PortalClient
from tests.designation import factories
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db

LONG_NAME = "a" * 300  # axes keeps 255 characters of a user name


@pytest.fixture
def world(org, partner_admin, reviewer):
    auditor = factories.UserFactory(groups=["ISSI auditor"])
    enrollment = enrollment_at("performance", organization=org)
    audit = audit_for(enrollment, "performance", auditor=auditor)
    return {
        "org": org,
        "admin": partner_admin,
        "reviewer": reviewer,
        "auditor": auditor,
        "audit": audit,
        "enrollment": enrollment,
    }


def test_a_user_name_too_long_for_the_lockout_record_is_a_wrong_sign_in(client):
    response = client.post(reverse("login"), {"username": LONG_NAME, "password": "x"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_a_user_name_too_long_is_a_400_on_the_token_endpoint(api_client):
    response = api_client.post(reverse("api-token"), {"username": LONG_NAME, "password": "x"})
    assert response.status_code == 400
    assert "150 characters" in json.dumps(response.json())


@pytest.mark.parametrize(
    "url", ["/verify/%00/", "/api/v1/verify/%00/", "/verify/a%00b/", "/api/v1/verify/%00x/"]
)
def test_a_nul_in_a_path_is_refused_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "cannot contain a NUL character" in response.content.decode()


@pytest.mark.parametrize("query", ["%00", "a%00b"])
def test_a_nul_in_the_organisation_search_is_refused_with_a_message(client, world, query):
    client.force_login(world["reviewer"])
    response = client.get(f"/organizations/?q={query}")
    assert response.status_code == 400
    assert "cannot contain a NUL character" in response.content.decode()


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    ("name", "args"),
    [("api-token", ()), ("enrollment-list", ()), ("audit-submit", ("audit",))],
)
def test_deeply_nested_json_is_a_400(api_client, world, name, args):
    api_client.force_authenticate(world["auditor"])
    url = reverse(name, args=[world[arg].pk for arg in args])
    response = api_client.post(url, deep(5000), content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_within_the_nesting_bound_still_parses(api_client, world):
    api_client.force_authenticate(world["auditor"])
    body = {"validated_case_volume": 3, "excluded_cases": [{"case_id": "c1", "reason": "dup"}]}
    response = api_client.post(
        reverse("audit-submit", args=[world["audit"].pk]), body, format="json"
    )
    assert response.status_code != 400 or "nested" not in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/audits/abc/",
        "/api/v1/audits/abc/claim/",
        "/api/v1/audits/abc/evidence/",
        "/api/v1/audits/abc/submit/",
        "/api/v1/audits/abc/determine/",
        "/api/v1/audits/abc/correct/",
        "/api/v1/audits/99999999999999999999/claim/",
        "/api/v1/enrollments/abc/transitions/withdraw/",
        "/api/v1/enrollments/abc/",
        "/api/v1/organizations/abc/prerequisites/",
        "/api/v1/organizations/abc/",
    ],
)
@pytest.mark.parametrize("role", ["reviewer", "auditor", "admin"])
def test_a_non_integer_id_is_not_found(api_client, world, url, role):
    api_client.force_authenticate(world[role])
    method = api_client.get if url.endswith(("/abc/", "/prerequisites/")) else api_client.post
    response = method(url)
    assert response.status_code == 404
    assert "Not found" in response.json()["detail"]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_a_day_out_of_range_on_the_case_rate_api_is_a_400(api_client, world, as_of):
    api_client.force_authenticate(world["admin"])
    url = reverse("api-case-rate", args=[world["org"].pk])
    response = api_client.get(url, {"as_of": as_of})
    assert response.status_code == 400
    assert "2000-01-01 and 2099-12-31" in json.dumps(response.json())


@pytest.mark.parametrize("day", ["0002-01-01", "0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(
    ("name", "param"), [("metrics-overview", "as_of"), ("organization-overview", "on")]
)
def test_a_day_out_of_range_on_a_page_shows_today_with_a_message(world, name, param, day):
    client = PortalClient()
    client.force_login(world["admin"])
    response = client.get(reverse(name, args=[world["org"].pk]), {param: day})
    assert response.status_code == 200
    assert "between 2000-01-01 and 2099-12-31" in response.content.decode()


@pytest.mark.parametrize("volume", [2147483648, 10**30, -1])
def test_a_validated_case_volume_out_of_range_is_a_400_naming_the_range(api_client, world, volume):
    api_client.force_authenticate(world["auditor"])
    url = reverse("audit-submit", args=[world["audit"].pk])
    response = api_client.post(url, {"validated_case_volume": volume}, format="json")
    assert response.status_code == 400
    assert "from 0 to 1,000,000" in json.dumps(response.json())  # portal/bounds.py


@pytest.mark.parametrize(
    "url",
    [
        "/organizations/99999999999999999999/",
        "/organizations/99999999999999999999/metrics/",
        "/audits/99999999999999999999/",
        "/enrollments/99999999999999999999/",
        "/evidence/99999999999999999999/download/",
        "/api/v1/organizations/99999999999999999999/case-rate/",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(world, url):
    client = PortalClient()
    client.force_login(world["reviewer"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("size", ["abc", "0", "-3", "1.5", "", "9" * 30])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(api_client, world, size):
    api_client.force_authenticate(world["reviewer"])
    response = api_client.get(reverse("organization-list"), {"page_size": size})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_a_large_page_size_is_capped_not_refused(api_client, world):
    api_client.force_authenticate(world["reviewer"])
    assert api_client.get(reverse("organization-list"), {"page_size": 5000}).status_code == 200


def test_an_empty_day_on_the_api_is_a_400_not_today(api_client, world):
    api_client.force_authenticate(world["admin"])
    response = api_client.get(reverse("api-case-rate", args=[world["org"].pk]), {"as_of": ""})
    assert response.status_code == 400
    assert "leave `as_of` out for today" in json.dumps(response.json())


@pytest.mark.parametrize("param", ["organization", "enrollment", "auditor"])
def test_a_filter_by_an_id_of_no_row_is_an_empty_list(api_client, world, param):
    api_client.force_authenticate(world["reviewer"])
    name = "enrollment-list" if param == "organization" else "audit-list"
    response = api_client.get(reverse(name), {param: 0})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(("name", "param"), [("enrollment-list", "kind"), ("audit-list", "kind")])
def test_an_empty_filter_value_is_a_400(api_client, world, name, param):
    api_client.force_authenticate(world["reviewer"])
    response = api_client.get(reverse(name), {param: ""})
    assert response.status_code == 400
    assert "leave this filter out" in json.dumps(response.json())


def test_an_empty_text_filter_is_still_a_filter(api_client, world):
    api_client.force_authenticate(world["reviewer"])
    response = api_client.get(reverse("organization-list"), {"country": ""})
    assert response.status_code == 200
