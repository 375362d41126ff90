"""URL routes: pages, the API under /api/v1/, its schema and docs, and Django admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from designation.api import OrganizationViewSet, VerifyView
from designation.notification_api import NotificationViewSet
from journey.api import AuditViewSet, EnrollmentViewSet
from journey.appeals_api import AppealViewSet
from journey.queue_api import QueueView
from portal import accounts
from portal.api import ThrottledObtainAuthToken
from portal.health import healthz

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("audits", AuditViewSet, basename="audit")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("appeals", AppealViewSet, basename="appeal")

api_v1 = [
    path("auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("verify/<str:credential_id>/", VerifyView.as_view(), name="api-verify"),
    path("queues/<slug:name>/", QueueView.as_view(), name="api-queue"),
    path("", include(router.urls)),
]

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
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("metrics.urls")),  # metrics pages and /api/v1/ case-rate and imports
    path("", include("journey.urls")),
    path("", include("designation.urls")),
]
