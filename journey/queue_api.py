"""The reviewer and auditor queues through the API, with the pages' search, filters and sort:
`/api/v1/queues/{name}/?q=&country=&solution_area=&older_than_days=&overdue=&sort=`."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journey import queue_filters, queues
from portal import bounds
from portal.api import ERRORS, Pagination
from portal.errors import ConditionFailed, Forbidden, NotFound

REVIEWER_QUEUES = ("eligibility", "case_rates", "renewals", "appeals")
AUDITOR_QUEUES = ("unclaimed", "mine")


class QueueRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    partner_id = serializers.CharField()
    country = serializers.CharField()
    waiting_since = serializers.DateField(allow_null=True)


class QueueView(APIView):
    """One queue: reviewers' eligibility, case_rates, renewals, appeals; auditors' unclaimed and
    mine. Anyone else gets 403; a bad filter is a 400 naming it."""

    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=[*REVIEWER_QUEUES, *AUDITOR_QUEUES],
            ),
            OpenApiParameter("q", OpenApiTypes.STR, description="Organisation name or partner ID"),
            OpenApiParameter("country", OpenApiTypes.STR, description="Two-letter country code"),
            OpenApiParameter(
                "solution_area", OpenApiTypes.STR, enum=list(dict(queue_filters.SOLUTION_AREAS))
            ),
            OpenApiParameter(
                "older_than_days",
                {
                    "type": "integer",
                    "minimum": int(bounds.QUEUE_AGE_DAYS.low),
                    "maximum": int(bounds.QUEUE_AGE_DAYS.high),
                },
            ),
            OpenApiParameter(
                "overdue",
                OpenApiTypes.BOOL,
                description="Only the overdue rows. unclaimed: "
                + queue_filters.OVERDUE["unclaimed"]
                + "; mine: "
                + queue_filters.OVERDUE["mine"]
                + "; renewals: "
                + queue_filters.OVERDUE["renewals"]
                + "; the other queues: "
                + queue_filters.NO_DEADLINE
                + ".",
            ),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(queue_filters.SORTS)),
        ],
        responses={200: QueueRowSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, name: str) -> Response:
        try:
            rows = self._rows(request, name)
        except (ConditionFailed, Forbidden, NotFound) as exc:
            body = {"detail": exc.message}
            return Response(body, status=exc.status)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(QueueRowSerializer(page, many=True).data)

    def _rows(self, request: Request, name: str) -> list[dict]:
        if name in REVIEWER_QUEUES:
            if not queues.reviewer_request(request):
                raise Forbidden("The reviewer queues are for Microsoft reviewers.")
            queryset = queues.reviewer_queues()[name]
        elif name in AUDITOR_QUEUES:
            if not queues.auditor_request(request):
                raise Forbidden("The ISSI queues are for ISSI auditors.")
            queryset = queues.auditor_queues(request.user)[name]
        else:
            raise NotFound(f"No queue called “{name}”.")
        filters, errors = queue_filters.parse(request.query_params)
        if errors:
            raise ConditionFailed(" ".join(errors))
        queryset = queue_filters.apply(name, queryset, filters, today=timezone.localdate())
        return queue_filters.rows(name, queryset, base_url=settings.SITE_URL)
