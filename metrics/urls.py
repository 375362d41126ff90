"""Routes for metrics pages and the metrics API (included once from journey/site_urls.py)."""

from django.urls import include, path

from metrics import api, views

api_v1 = [
    path("organizations/<int:id>/case-rate/", api.CaseRateView.as_view(), name="api-case-rate"),
    path(
        "organizations/<int:id>/cases/import/",
        api.CasesImportView.as_view(),
        name="api-cases-import",
    ),
    path(
        "organizations/<int:id>/revenue/import/",
        api.RevenueImportView.as_view(),
        name="api-revenue-import",
    ),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path(
        "organizations/<int:organization_id>/metrics/",
        views.metrics_overview,
        name="metrics-overview",
    ),
    path(
        "organizations/<int:organization_id>/metrics/import/<slug:kind>/",
        views.metrics_import,
        name="metrics-import",
    ),
    path(
        "organizations/<int:organization_id>/metrics/imports/<int:pk>/",
        views.import_detail,
        name="metrics-import-detail",
    ),
    path(
        "organizations/<int:organization_id>/metrics/imports/<int:pk>/status/",
        views.import_status,
        name="metrics-import-status",
    ),
]
