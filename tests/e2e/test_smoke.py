"""The portal in real Chromium: sign-in, the prerequisite checklist, field errors."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_partner_signs_in_and_sees_the_prerequisite_checklist(page, live_server, demo, screenshot):
    sign_in(page, live_server.url, "adatum", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    assert page.get_by_role("heading", name="Adatum").is_visible()
    unmet = page.locator(".check-unmet")
    assert unmet.count() == 1
    assert "Subscribe to a support plan" in unmet.inner_text()
    shots = screenshot("prerequisites")
    assert all(path.stat().st_size > 10_000 for path in shots)


def test_wrong_password_error_is_shown_on_the_form(page, live_server, demo):
    sign_in(page, live_server.url, "contoso", "wrong-password")
    error = page.locator(".form-errors")
    assert "Please enter a correct username and password" in error.inner_text()


def test_form_errors_are_shown_next_to_the_field(page, live_server, demo):
    sign_in(page, live_server.url, "contoso", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    page.get_by_role("link", name="Settings").click()
    page.locator("section", has_text="Support contracts").get_by_role("link", name="Add").click()
    page.get_by_label("Plan").select_option("asfp")
    page.get_by_label("Starts on").fill("2026-05-01")
    page.get_by_label("Ends on").fill("2026-04-01")
    page.get_by_role("button", name="Save").click()
    field_error = page.locator("#id_ends_on_error")
    assert field_error.inner_text() == "The contract cannot end before it starts."
    described = page.locator("#id_ends_on").get_attribute("aria-describedby") or ""
    assert "id_ends_on_error" in described


def test_a_partner_cannot_open_another_organisations_page_by_url(page, live_server, demo):
    from designation.models import Organization

    litware = Organization.objects.get(legal_name="Litware")
    sign_in(page, live_server.url, "contoso", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    response = page.goto(f"{live_server.url}/organizations/{litware.pk}/")
    assert response.status == 404
    assert "Litware" not in page.content()
