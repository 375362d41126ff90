"""Site-wide request guards."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from portal.roles import requires_two_factor

ALWAYS_ALLOWED = ("/accounts/", "/oidc/", "/static/", "/healthz/", "/verify/", "/directory/")


class RequireTwoFactorMiddleware:
    """A signed-in staff user without a verified second factor can only reach the 2FA page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
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
