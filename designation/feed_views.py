"""The partner facts feed through the API (POST /api/v1/partner-facts/import/) and a page in the
program admins' part of the site; both call designation.feed.run_feed."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from designation.feed import check_may_import, run_feed
from designation.feedsql import KINDS
from designation.serializers import (
    FeedCountsSerializer,
    FeedErrorsSerializer,
    FeedUploadSerializer,
)
from portal.api import JourneyErrorsMixin


def kind_of(name: str) -> str | None:
    """The kind a file's name says (accounts.csv, 2026-11-csp.csv, ...), or None."""
    stem = Path(name).stem.lower().replace("-", "_")
    return next((kind for kind in KINDS if stem == kind or stem.endswith(f"_{kind}")), None)


class PartnerFactsImportView(JourneyErrorsMixin, APIView):
    """Program admins load one feed file: every row or none; every bad row reported."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "imports"

    @extend_schema(
        operation_id="partner_facts_import",
        summary="Import one partner facts feed file (accounts, solutions_partner, csp, "
        "support_contracts)",
        request={"multipart/form-data": FeedUploadSerializer},
        responses={
            200: FeedCountsSerializer,
            400: OpenApiResponse(FeedErrorsSerializer, description="Nothing was imported."),
            403: OpenApiResponse(description="Only program admins import the feed."),
        },
    )
    def post(self, request: Request) -> Response:
        check_may_import(request.user)
        upload = FeedUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        kind = upload.validated_data.get("kind") or kind_of(file.name)
        if kind is None:
            return Response(
                {
                    "detail": "Say which kind of facts the file holds (kind).",
                    "errors": [],
                    "error_count": 0,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        outcome = run_feed(kind=kind, fileobj=file, size=file.size, by=request.user)
        answer = status.HTTP_200_OK if outcome.ok else status.HTTP_400_BAD_REQUEST
        return Response(outcome.as_response(), status=answer)


@login_required
@require_http_methods(["GET", "POST"])
def partner_facts_import_page(request: HttpRequest) -> HttpResponse:
    """The same import as a page for program admins (linked from Django admin)."""
    if not request.user.has_perm("designation.import_partner_facts"):
        raise PermissionDenied("Only a program admin can import the partner facts feed.")
    outcome = None
    if request.method == "POST":
        file = request.FILES.get("file")
        kind = request.POST.get("kind") or (kind_of(file.name) if file else None)
        if file is None or kind not in KINDS:
            messages.error(request, "Choose a file and the kind of facts it holds.")
        else:
            outcome = run_feed(kind=kind, fileobj=file, size=file.size, by=request.user)
    status_code = 400 if outcome is not None and not outcome.ok else 200
    return render(
        request,
        "designation/partner_facts_import.html",
        {"kinds": KINDS.values(), "outcome": outcome},
        status=status_code,
    )
