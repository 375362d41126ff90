"""Pages that fit who is looking: the public's own not-found page (in every mode, DEBUG too, for
the verification page), the signed-in one, and ISO dates everywhere, Django admin included."""

from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import formats, translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_a_mistyped_credential_gets_the_public_not_found_page(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get(reverse("verify-page", args=["NO-SUCH-BADGE"]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "No badge has this credential ID" in html
    assert f'href="{reverse("directory")}"' in html
    assert "Go to your overview" not in html and "Technical" not in html


def test_an_unknown_page_tells_a_visitor_about_the_directory(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Browse the partner directory" in html and "Go to your overview" not in html


def test_an_unknown_page_sends_a_signed_in_user_to_their_overview(client, partner_admin):
    client.force_login(partner_admin)
    html = client.get("/no-such-page/").content.decode()
    assert "Go to your overview" in html


def test_an_unknown_api_route_still_answers_json(client):
    response = client.get("/api/v1/no-such-route/")
    assert response.status_code == 404 and "detail" in response.json()


@pytest.mark.parametrize("language", ["en-gb", "en"])
def test_dates_are_iso_in_every_locale(language):
    with translation.override(language):
        assert formats.date_format(date(2025, 1, 1)) == "2025-01-01"
        assert formats.date_format(date(2025, 1, 1), "SHORT_DATE_FORMAT") == "2025-01-01"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"


def test_django_admin_lists_dates_as_iso_and_countries_by_name(client, org):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", "root@example.com", "pw-for-the-test")
    client.force_login(admin)
    html = client.get(reverse("admin:designation_programrules_changelist")).content.decode()
    from designation.models import ProgramRules

    shown = ProgramRules.objects.order_by("effective_from").first().effective_from
    assert f">{shown.isoformat()}<" in html
    assert formats.date_format(shown, "j M Y") not in html  # not en-gb's "1 Jan 2025"
    html = client.get(reverse("admin:designation_organization_changelist")).content.decode()
    from designation.labels import country_name

    assert country_name(org.country) in html
