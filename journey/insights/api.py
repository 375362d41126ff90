"""Insights API: readiness and cohort benchmarks of one organisation (scoped), the program's
figures (reviewers and program admins)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designation import selectors
from designation.models import ProgramRules
from journey.insights import benchmarks as benchmark_selectors
from journey.insights import program
from journey.insights import readiness as readiness_selectors
from journey.insights.access import default_range, program_staff
from journey.insights.serializers import (
    BenchmarksSerializer,
    ProgramInsightsSerializer,
    ReadinessSerializer,
    benchmarks_payload,
    program_payload,
    readiness_payload,
)
from portal.api import JourneyErrorsMixin
from portal.dates import day_of_query, day_parameter
from portal.errors import ConditionFailed, Forbidden

ORGANIZATION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Organisation.")


class ReadinessView(JourneyErrorsMixin, APIView):
    """Each step's outlook for a journey starting on a day, with reasons and the fees ahead."""

    @extend_schema(
        operation_id="organizations_readiness",
        parameters=[
            ORGANIZATION_ID,
            day_parameter(
                "start_on", "The day the journey would start, YYYY-MM-DD; today by default."
            ),
        ],
        responses={
            200: ReadinessSerializer,
            400: OpenApiResponse(description="Not a day, or one before the program started."),
            404: OpenApiResponse(description="No such organisation visible to the caller."),
        },
    )
    def get(self, request: Request, id: int) -> Response:
        start_on = day_of_query(request, "start_on")
        organization = selectors.organization_for(request.user, id)
        try:
            page = readiness_selectors.readiness_for(
                organization, start_on=start_on, today=timezone.localdate()
            )
        except ProgramRules.DoesNotExist as exc:
            raise ConditionFailed(str(exc), field="start_on") from exc
        return Response(ReadinessSerializer(readiness_payload(page)).data)


class BenchmarksView(JourneyErrorsMixin, APIView):
    """Where the organisation's case rate stands among designated partners, anonymised."""

    @extend_schema(
        operation_id="organizations_benchmarks",
        parameters=[
            ORGANIZATION_ID,
            day_parameter("on", "Cohorts computed on or before this day; today by default."),
        ],
        responses={
            200: BenchmarksSerializer,
            400: OpenApiResponse(description="Not a day, or one before the program started."),
            404: OpenApiResponse(description="No such organisation visible to the caller."),
        },
    )
    def get(self, request: Request, id: int) -> Response:
        on = day_of_query(request, "on")
        organization = selectors.organization_for(request.user, id)
        try:
            page = benchmark_selectors.benchmarks_for(organization, user=request.user, on=on)
        except ProgramRules.DoesNotExist as exc:
            raise ConditionFailed(str(exc), field="on") from exc
        return Response(BenchmarksSerializer(benchmarks_payload(page)).data)


class ProgramInsightsView(JourneyErrorsMixin, APIView):
    """The program dashboard's figures for a date range (reviewers and program admins)."""

    @extend_schema(
        operation_id="program_insights",
        parameters=[
            day_parameter("from", "First day of the range; twelve months back by default."),
            day_parameter("to", "Last day of the range; today by default."),
        ],
        responses={
            200: ProgramInsightsSerializer,
            400: OpenApiResponse(description="Not a day, or `from` after `to`."),
            403: OpenApiResponse(description="Only reviewers and program admins."),
        },
    )
    def get(self, request: Request) -> Response:
        if not program_staff(request):
            raise Forbidden("Only Microsoft reviewers and program admins see program insights.")
        today = timezone.localdate()
        start, end = default_range(today)
        if request.query_params.get("from"):
            start = day_of_query(request, "from")
        if request.query_params.get("to"):
            end = day_of_query(request, "to")
        if start > end:
            raise ConditionFailed("“from” is after “to”.", field="from")
        insights = program.program_insights(start=start, end=end, today=today)
        return Response(ProgramInsightsSerializer(program_payload(insights)).data)
