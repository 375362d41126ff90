"""portal's own routes: sign-in and accounts, health, Django admin, and the API's schema and docs.
The whole site's routes (every app's pages and the API under /api/v1/) are composed above all
the apps, in journey/site_urls.py (ROOT_URLCONF)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import accounts, profile
from portal import admin as portal_admin  # noqa: F401 (hides secrets in Django admin)
from portal.health import PATH as HEALTHZ_PATH
from portal.health import healthz
from portal.tokens import ObtainTokenView

# The API operations of portal/ itself, included under /api/v1/ by the site's routes.
api_v1 = [path("auth/token/", ObtainTokenView.as_view(), name="api-token")]

urlpatterns = [
    path(HEALTHZ_PATH.removeprefix("/"), healthz, name="healthz"),  # HealthCheckMiddleware too
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", accounts.two_factor, name="two-factor"),
    path("accounts/two-factor/setup/", accounts.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/disable/", accounts.two_factor_disable, name="two-factor-disable"),
    path("accounts/two-factor/recovery-codes/", accounts.recovery_codes, name="recovery-codes"),
    path("accounts/profile/", profile.account, name="account"),
    path("accounts/sign-out-everywhere/", profile.sign_out_everywhere, name="sign-out-everywhere"),
    path("accounts/password/", profile.password_change, name="password_change"),
    path("accounts/password/done/", profile.password_change_done, name="password_change_done"),
    path("accounts/password/reset/", profile.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
