"""Site-wide request guards."""

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
