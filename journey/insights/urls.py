"""API routes of insights, included under /api/v1/ from journey/site_urls.py."""

from django.urls import path

from journey.insights import api

urlpatterns = [
    path("organizations/<int:id>/readiness/", api.ReadinessView.as_view(), name="api-readiness"),
    path("organizations/<int:id>/benchmarks/", api.BenchmarksView.as_view(), name="api-benchmarks"),
    path("program/insights/", api.ProgramInsightsView.as_view(), name="api-program-insights"),
]
