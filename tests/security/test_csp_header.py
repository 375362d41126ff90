"""The Content-Security-Policy header, built once (portal.middleware's
ContentSecurityPolicyMiddleware): the same header django-csp builds, a response that asks for
its own policy still gets it, and a change of the setting is a new header."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, NONE, SELF
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from portal.middleware import ContentSecurityPolicyMiddleware


def through(middleware_class, response, path="/healthz/"):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: response)
    return middleware(request)


def fresh(**attributes) -> HttpResponse:
    response = HttpResponse("ok")
    for name, value in attributes.items():
        setattr(response, name, value)
    return response


def test_the_header_is_the_one_django_csp_builds():
    ours = through(ContentSecurityPolicyMiddleware, fresh())
    theirs = through(CSPMiddleware, fresh())
    assert ours[HEADER] == theirs[HEADER]
    assert "script-src 'self'" in ours[HEADER] and "object-src 'none'" in ours[HEADER]
    assert HEADER_REPORT_ONLY not in ours


@pytest.mark.parametrize(
    "attributes",
    [
        {"_csp_update": {"img-src": ["https://example.org"]}},
        {"_csp_replace": {"img-src": ["https://example.org"]}},
        {"_csp_config": {"default-src": [NONE], "img-src": ["https://example.org"]}},
    ],
)
def test_a_response_with_its_own_policy_still_gets_it(attributes):
    ours = through(ContentSecurityPolicyMiddleware, fresh(**attributes))
    theirs = through(CSPMiddleware, fresh(**attributes))
    assert "https://example.org" in ours[HEADER]
    assert ours[HEADER] == theirs[HEADER]


def test_an_exempt_response_gets_no_header():
    assert HEADER not in through(ContentSecurityPolicyMiddleware, fresh(_csp_exempt=True))


def test_a_nonce_asked_for_is_in_the_header(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    response = fresh()

    def view(request):
        response.nonce = str(request.csp_nonce)
        return response

    answer = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert f"script-src 'self' 'nonce-{response.nonce}'" in answer[HEADER]
    assert "nonce-" not in through(ContentSecurityPolicyMiddleware, fresh())[HEADER]


def test_a_changed_setting_is_a_new_header(settings):
    before = through(ContentSecurityPolicyMiddleware, fresh())[HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF, "https://cdn.test"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [NONE]}}
    answer = through(ContentSecurityPolicyMiddleware, fresh())
    assert answer[HEADER] != before and "https://cdn.test" in answer[HEADER]
    assert answer[HEADER_REPORT_ONLY] == "default-src 'none'"


def test_an_excluded_prefix_gets_no_header(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/healthz/"],
        "DIRECTIVES": {"default-src": [SELF]},
    }
    assert HEADER not in through(ContentSecurityPolicyMiddleware, fresh(), "/healthz/")
    assert HEADER in through(ContentSecurityPolicyMiddleware, fresh(), "/directory/")
