"""A URL conf of its own for tests/journey/test_jinja.py: the audit page somewhere else."""

from django.http import HttpResponse
from django.urls import path


def _page(request, **kwargs):
    return HttpResponse()


urlpatterns = [
    path("elsewhere/<int:audit_id>/", _page, name="audit-page"),
    path("named/<str:key>/", _page, name="named"),
]
