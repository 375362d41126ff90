"""REST API for organisations and their prerequisites."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from designation import rules as prerequisite_rules
from designation import selectors
from designation.models import ProgramRules
from designation.serializers import (
    DateQuerySerializer,
    OrganizationSerializer,
    PrerequisitesSerializer,
)


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations the caller may see; another organisation answers 404."""

    serializer_class = OrganizationSerializer

    def get_queryset(self):
        return selectors.organizations_for(self.request.user).prefetch_related("locations")

    @extend_schema(
        parameters=[
            OpenApiParameter("on", str, description="Day to check, YYYY-MM-DD; today by default.")
        ],
        responses=PrerequisitesSerializer,
    )
    @action(detail=True)
    def prerequisites(self, request: Request, pk=None) -> Response:
        """Every prerequisite with `code`, `met`, `detail` and `next_action` on the given day."""
        query = DateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or timezone.localdate()
        organization = selectors.organization_for(request.user, pk)
        try:
            items = selectors.prerequisites_for(organization, on)
        except ProgramRules.DoesNotExist as exc:
            raise ValidationError({"on": [str(exc)]}) from exc
        payload = {
            "organization": organization.pk,
            "on": on,
            "all_met": prerequisite_rules.all_met(items),
            "prerequisites": [{**item.__dict__, "status": item.status} for item in items],
        }
        return Response(PrerequisitesSerializer(payload).data)
