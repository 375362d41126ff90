"""URL routes: pages, the API under /api/v1/, its schema and docs, and Django admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from designation.api import OrganizationViewSet, VerifyView
from designation.change_request_api import FactChangeRequestViewSet
from designation.feed_views import PartnerFactsImportView
from designation.notification_api import NotificationViewSet
from designation.team import oidc
from journey.api import AuditViewSet, EnrollmentViewSet
from journey.appeals_api import AppealViewSet
from journey.queue_api import QueueView
from portal import accounts, profile
from portal import admin as portal_admin  # noqa: F401 (hides secrets in Django admin)
from portal.health import healthz
from portal.tokens import ObtainTokenView, TokenViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("audits", AuditViewSet, basename="audit")
router.register("auth/tokens", TokenViewSet, basename="api-token")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("appeals", AppealViewSet, basename="appeal")
router.register("fact-change-requests", FactChangeRequestViewSet, basename="fact-change-request")

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("verify/<str:credential_id>/", VerifyView.as_view(), name="api-verify"),
    path("", include("journey.insights.urls")),  # readiness, benchmarks, program insights
    path(
        "partner-facts/import/", PartnerFactsImportView.as_view(), name="api-partner-facts-import"
    ),
    path("queues/<slug:name>/", QueueView.as_view(), name="api-queue"),
    path("", include(router.urls)),
]

handler400 = "portal.api.bad_request"
handler404 = "portal.api.not_found"
handler500 = "portal.api.server_error"

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
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
    path("oidc/authenticate/", oidc.SignInWithMicrosoft.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.MicrosoftCallback.as_view(), name="oidc_authentication_callback"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("metrics.urls")),  # metrics pages and /api/v1/ case-rate and imports
    path("", include("journey.urls")),
    path("", include("designation.urls")),
]
