"""REST API of the notification centre: the caller's own notifications (another user's answer
404), marking read, and the email choices per kind."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from designation import notifications
from designation.models import Notification
from designation.models.notifications import Kind
from portal.api import ERRORS, ID_REGEX, JourneyErrorsMixin
from portal.errors import ConditionFailed
from portal.parsers import BoundedJSONParser


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "link", "created_at", "read"]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField()


EMAIL_CHOICES_SCHEMA = {
    "type": "object",
    "properties": {kind: {"type": "boolean"} for kind in Kind.values},
    "additionalProperties": False,
}
# The PUT body names `email` and nothing else: an unknown key is a 400, and the schema says so.
PREFERENCES_REQUEST_SCHEMA = {
    "type": "object",
    "properties": {"email": EMAIL_CHOICES_SCHEMA},
    "required": ["email"],
    "additionalProperties": False,
}


@extend_schema_field(EMAIL_CHOICES_SCHEMA)
class EmailChoicesField(serializers.DictField):
    """Kind: true (emailed) or false (in-app only); the schema names every kind."""

    child = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer):
    """`email`: each kind with true (emailed) or false (in-app only)."""

    email = EmailChoicesField()

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - {"email"})
        if unknown:
            raise serializers.ValidationError(f"Only `email` is taken; not {', '.join(unknown)}.")
        return attrs


class NotificationViewSet(
    JourneyErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's notifications, newest first (`?unread=true` for the unread ones)."""

    serializer_class = NotificationSerializer
    lookup_value_regex = ID_REGEX  # anything else answers 404 at the router, not int()'s error

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        queryset = notifications.notifications_for(self.request.user)
        unread = self.request.query_params.getlist("unread")
        if any(value not in ("true", "false") for value in unread):
            raise ConditionFailed("unread: give true or false.", field="unread")
        if "true" in unread:
            queryset = queryset.filter(read_at=None)
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones.")],
        responses={200: NotificationSerializer(many=True), **ERRORS},
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: NotificationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk=None) -> Response:
        """Mark one notification read."""
        notification = notifications.mark_read(user=request.user, notification_id=int(pk))
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: MarkedReadSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read."""
        return Response({"marked_read": notifications.mark_all_read(user=request.user)})

    @extend_schema(methods=["GET"], request=None, responses={200: PreferencesSerializer})
    @extend_schema(
        methods=["PUT"],
        request={"application/json": PREFERENCES_REQUEST_SCHEMA},
        responses={200: PreferencesSerializer, **ERRORS},
    )
    # JSON only: a form body cannot carry the `email` object. No OPTIONS description: DRF's
    # would look for one notification to describe the PUT, and there is none on this route.
    @action(
        detail=False,
        methods=["get", "put"],
        parser_classes=[BoundedJSONParser],
        metadata_class=None,
    )
    def preferences(self, request: Request) -> Response:
        """Email on or off per kind (in-app is always on); PUT the kinds to change."""
        if request.method == "PUT":
            form = PreferencesSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            notifications.set_email_preferences(
                user=request.user, email=form.validated_data["email"]
            )
        return Response({"email": notifications.email_preferences(request.user)})
