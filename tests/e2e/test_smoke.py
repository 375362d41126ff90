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
    # A partner admin proposes a contract (facts of record change only through a reviewer).
    page.locator("section", has_text="Support contracts").get_by_role(
        "link", name="Propose an addition"
    ).click()
    page.get_by_label("Plan").select_option("asfp")
    page.get_by_label("Starts on").fill("2026-05-01")
    page.get_by_label("Ends on").fill("2026-04-01")
    page.get_by_label("Reason").fill("We bought ASfP in May.")
    page.get_by_role("button", name="Send to Microsoft").click()
    field_error = page.locator("#id_fact-ends_on_error")
    assert field_error.inner_text() == "The contract cannot end before it starts."
    described = page.locator("#id_fact-ends_on").get_attribute("aria-describedby") or ""
    assert "id_fact-ends_on_error" in described


def test_a_partner_cannot_open_another_organisations_page_by_url(page, live_server, demo):
    from designation.models import Enrollment, Organization

    litware = Organization.objects.get(legal_name="Litware")
    tailspin = Organization.objects.get(legal_name="Tailspin Toys")
    enrollment = Enrollment.objects.filter(organization=tailspin).first()
    sign_in(page, live_server.url, "contoso", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    base = live_server.url
    for path in (
        f"/organizations/{litware.pk}/",
        f"/organizations/{litware.pk}/enrollment/",
        f"/organizations/{litware.pk}/enrollment/apply/",
        f"/organizations/{litware.pk}/assessments/",
        f"/organizations/{litware.pk}/metrics/",
        f"/organizations/{litware.pk}/settings/",
        f"/organizations/{tailspin.pk}/badge/",
        f"/organizations/{tailspin.pk}/badge/letter.pdf",
        f"/enrollments/{enrollment.pk}/",
    ):
        response = page.goto(base + path)
        assert response.status == 404, path
        assert "Litware" not in page.content() and "Tailspin" not in page.content(), path


def test_apply_form_shows_its_errors_next_to_the_fields(page, live_server, demo):
    sign_in(page, live_server.url, "contoso", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    page.goto(page.url + "enrollment/apply/")
    page.get_by_label("Contact name").fill("Casey Contoso")
    page.get_by_label("Contact email").fill("not an email")
    page.get_by_label("Modern Work").uncheck()  # prefilled: Contoso's one active area
    page.get_by_role("button", name="Submit for eligibility review").click()
    assert "valid email" in page.locator("#id_contact_email_error").inner_text()
    assert "required" in page.locator("#id_solution_areas_error").inner_text()
    assert "required" in page.locator("#id_attested_error").inner_text()
    described = page.locator("#id_contact_email").get_attribute("aria-describedby") or ""
    assert "id_contact_email_error" in described
    group = page.get_by_role("group", name="Solution areas")
    assert "id_solution_areas_error" in (group.get_attribute("aria-describedby") or "")
    assert page.get_by_label("Contact name").input_value() == "Casey Contoso"


def test_pages_load_no_inline_script_or_style(page, live_server, demo):
    """The strict Content-Security-Policy would block them: none on the main pages."""
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    sign_in(page, live_server.url, "tailspin", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    html = page.content()
    assert "<script>" not in html and 'style="' not in html and "<style" not in html
    page.goto(f"{live_server.url}/directory/")
    assert not [v for v in violations if "Content Security Policy" in v], violations
