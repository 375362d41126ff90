"""REST API for case rates and the cases/revenue imports (SPEC section 12)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics import selectors, services
from metrics.serializers import (
    CaseRateSerializer,
    ImportCountsSerializer,
    ImportErrorsSerializer,
    ImportUploadSerializer,
)
from portal.api import ClientScopedRateThrottle, JourneyErrorsMixin
from portal.dates import day_of_query, day_parameter

ORGANIZATION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Organisation.")


class CaseRateView(JourneyErrorsMixin, APIView):
    """The organisation's TTM case rate for a day, as the program judges it."""

    @extend_schema(
        operation_id="organizations_case_rate",
        parameters=[
            ORGANIZATION_ID,
            day_parameter("as_of", "The day, YYYY-MM-DD; today by default."),
        ],
        responses=CaseRateSerializer,
    )
    def get(self, request: Request, id: int) -> Response:
        as_of = day_of_query(request, "as_of")
        organization = selectors.organization_for(request.user, id)
        figures = selectors.case_rate_for(organization, as_of)
        payload = {**figures.__dict__, "organization": organization.pk}
        payload["meets_target"] = figures.meets_target
        return Response(CaseRateSerializer(payload).data)


class _ImportView(JourneyErrorsMixin, APIView):
    """POST a CSV file as multipart `file`; all rows are imported or none."""

    kind = ""
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "imports"

    def post(self, request: Request, id: int) -> Response:
        organization = selectors.organization_for(request.user, id)
        services.check_can_import(request.user, organization)
        try:
            upload = ImportUploadSerializer(data=request.data)
            valid = upload.is_valid()
        except ParseError as exc:  # an upload over the limit, or a body that is not multipart
            return _not_imported(str(exc.detail), [str(exc.detail)])
        if not valid:
            problems = [str(message) for message in upload.errors.get("file", upload.errors)]
            return _not_imported("Send the CSV file as the multipart field `file`.", problems)
        file = upload.validated_data["file"]
        _, outcome = services.import_file(
            organization=organization,
            kind=self.kind,
            fileobj=file,
            file_name=file.name,
            size=file.size,
            by=request.user,
            today=timezone.localdate(),
        )
        answer = status.HTTP_200_OK if outcome.ok else status.HTTP_400_BAD_REQUEST
        return Response(outcome.as_response(), status=answer)


def _not_imported(detail: str, problems: list[str]) -> Response:
    """A 400 in the import answer's own shape (the schema promises `errors` by row)."""
    errors = [{"row": None, "column": "file", "message": problem} for problem in problems]
    body = {"detail": detail, "errors": errors, "error_count": len(errors)}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


_IMPORT_RESPONSES = {
    200: ImportCountsSerializer,
    400: OpenApiResponse(ImportErrorsSerializer, description="Nothing was imported."),
    403: OpenApiResponse(description="Only partner admins of the organisation import."),
    404: OpenApiResponse(description="No such organisation visible to the caller."),
}


class CasesImportView(_ImportView):
    kind = "cases"

    @extend_schema(
        operation_id="organizations_cases_import",
        summary="Import cases.csv (key: case_id)",
        parameters=[ORGANIZATION_ID],
        request={"multipart/form-data": ImportUploadSerializer},
        responses=_IMPORT_RESPONSES,
    )
    def post(self, request: Request, id: int) -> Response:
        return super().post(request, id)


class RevenueImportView(_ImportView):
    kind = "revenue"

    @extend_schema(
        operation_id="organizations_revenue_import",
        summary="Import revenue.csv (key: billing_month and source)",
        parameters=[ORGANIZATION_ID],
        request={"multipart/form-data": ImportUploadSerializer},
        responses=_IMPORT_RESPONSES,
    )
    def post(self, request: Request, id: int) -> Response:
        return super().post(request, id)
