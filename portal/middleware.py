"""Site-wide request guards, and the Content-Security-Policy header."""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from portal.roles import remember_roles_per_request, requires_two_factor

ALWAYS_ALLOWED = ("/accounts/", "/oidc/", "/static/", "/healthz/", "/verify/", "/directory/")


class RequireTwoFactorMiddleware:
    """A signed-in staff user without a verified second factor can only reach the 2FA page.

    It is the first to read the user's roles, and from here on they are read once per request
    (portal/roles.py): the view, the navigation and the permission checks share them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        remember_roles_per_request(user)
        if (
            user.is_authenticated
            and not request.path.startswith(ALWAYS_ALLOWED)
            and not user.is_verified()
            and requires_two_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor sign-in required: verify at /accounts/two-factor/."},
                    status=403,
                )
            target = reverse("two-factor") + "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is refused with 400 before any view (or
    the database, which cannot store one) sees it."""

    MESSAGE = "The address cannot contain a NUL character (%00): remove it and retry."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return nul_refused(request, self.MESSAGE)
        return self.get_response(request)


def nul_refused(request, message: str):
    """400 with the message: JSON under /api/, plain text on pages."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's policy built once instead of on every response.

    The policy comes from settings alone (no view changes it, no page uses a nonce), so the
    header is the same string for every response; django-csp builds it anew each time, about a
    third of /healthz/'s server time. A response that asks for its own policy (csp_update,
    csp_replace, csp_exempt, a nonce) still goes through django-csp unchanged."""

    def process_response(self, request, response):
        per_response = any(hasattr(response, name) for name in _CSP_PER_RESPONSE)
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if per_response or debug_page or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        policy, report_only = site_policies()
        if policy and HEADER not in response and not _excluded(request, "CONTENT_SECURITY_POLICY"):
            response[HEADER] = policy
        if (
            report_only
            and HEADER_REPORT_ONLY not in response
            and not _excluded(request, "CONTENT_SECURITY_POLICY_REPORT_ONLY")
        ):
            response[HEADER_REPORT_ONLY] = report_only
        if getattr(request, "_csp_nonce", None) is None:  # as django-csp: too late for a nonce
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


_CSP_PER_RESPONSE = tuple(
    f"_csp_{kind}{suffix}"
    for kind in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


@functools.cache
def site_policies() -> tuple[str, str]:
    """The Content-Security-Policy and its report-only twin, from settings (forgotten when a
    test changes them)."""
    return build_policy(), build_policy(report_only=True)


def _excluded(request, setting: str) -> bool:
    prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
    return request.path_info.startswith(tuple(prefixes))


@receiver(setting_changed)
def _forget_site_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policies.cache_clear()
