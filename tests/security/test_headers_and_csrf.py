"""CSRF on every state-changing page, security headers and CSP on every page, hostile input."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from designation.models import Organization

pytestmark = pytest.mark.django_db

STATE_CHANGING_FORMS = [
    ("login", []),
    ("partner-acts-edit", ["org"]),
    ("change-request-new", ["org", "account"]),
    ("enrollment-apply", ["org"]),
]


def resolve_args(args, org):
    return [org.pk if a == "org" else a for a in args]


@pytest.mark.parametrize(("name", "args"), STATE_CHANGING_FORMS)
def test_state_changing_pages_refuse_a_post_without_a_csrf_token(name, args, partner_admin, org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_admin)
    response = client.post(reverse(name, args=resolve_args(args, org)), {"legal_name": "Evil"})
    assert response.status_code == 403
    assert b"CSRF" in response.content
    org.refresh_from_db()
    assert org.legal_name != "Evil"


def test_every_form_on_a_page_carries_a_csrf_token(partner_admin, org):
    client = Client()
    client.force_login(partner_admin)
    for url in (
        reverse("partner-acts-edit", args=[org.pk]),
        reverse("change-request-new", args=[org.pk, "support-contracts"]),
        reverse("organization-overview", args=[org.pk]),
    ):
        html = client.get(url).content.decode()
        post_forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S | re.I)
        assert post_forms, url
        assert all("csrfmiddlewaretoken" in form for form in post_forms), url


def test_session_api_calls_need_csrf_too(partner_admin, org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_admin)
    response = client.post(
        reverse("enrollment-list"), {"organization": org.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/api/v1/", "/api/docs/", "/healthz/", "/does-not-exist/"]
)
def test_security_headers_and_csp_on_every_kind_of_page(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_carry_no_inline_script_or_style(client, partner_admin, org):
    client.force_login(partner_admin)
    for url in (
        reverse("organization-overview", args=[org.pk]),
        reverse("organization-settings", args=[org.pk]),
        reverse("partner-acts-edit", args=[org.pk]),
        "/api/docs/",
    ):
        html = client.get(url).content.decode()
        inline_scripts = [
            s
            for s in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
            if "src=" not in s[0] and s[1].strip() and "application/json" not in s[0]
        ]
        assert inline_scripts == [], url
        assert not re.search(r"\sstyle=\"", html), url
        assert "<style" not in html, url
        assert not re.search(r"\son[a-z]+=\"", html), url  # no inline event handlers


def test_unknown_api_urls_answer_json_with_a_message(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert "API docs" in response.json()["detail"]


HOSTILE = [
    "Robert'); DROP TABLE designation_organization;--",
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_sql_and_script_looking_input_is_stored_and_shown_as_text(
    client, reviewer, partner_admin, org, text
):
    client.force_login(reviewer)  # legal names are facts of record: a reviewer keeps them
    response = client.post(
        reverse("account-facts-edit", args=[org.pk]), {"legal_name": text, "country": "US"}
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=org.pk).legal_name == text  # stored as given
    assert Organization.objects.count() >= 1  # nothing was dropped
    client.force_login(partner_admin)
    html = client.get(reverse("organization-overview", args=[org.pk])).content.decode()
    assert text not in html  # never echoed raw...
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;").replace("'", "&#x27;")
    assert escaped in html  # ...but shown, escaped, as text (the page's title, a Django template)
    assert f"<h1>{text}</h1>" in unescape(html)  # and the content's heading (Jinja2 escaping)
    api = client.get(reverse("organization-detail", args=[org.pk])).json()
    assert api["legal_name"] == text
