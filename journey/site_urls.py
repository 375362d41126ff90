"""The whole site's routes (ROOT_URLCONF): composed here, above every app, so that no app below
imports one above it. portal's own pages first, then the API under /api/v1/, then each app's
pages."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from designation.api import OrganizationViewSet, VerifyView
from designation.change_request_api import FactChangeRequestViewSet
from designation.feed_views import PartnerFactsImportView
from designation.notification_api import NotificationViewSet
from journey.api import AuditViewSet, EnrollmentViewSet
from journey.appeals_api import AppealViewSet
from journey.queue_api import QueueView
from portal import urls as portal_urls
from portal.tokens import TokenViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("audits", AuditViewSet, basename="audit")
router.register("auth/tokens", TokenViewSet, basename="api-token")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("appeals", AppealViewSet, basename="appeal")
router.register("fact-change-requests", FactChangeRequestViewSet, basename="fact-change-request")

api_v1 = [
    *portal_urls.api_v1,
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
    *portal_urls.urlpatterns,
    path("api/v1/", include(api_v1)),
    path("", include("metrics.urls")),  # metrics pages and /api/v1/ case-rate and imports
    path("", include("journey.urls")),
    path("", include("designation.urls")),
]
