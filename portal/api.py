"""API plumbing shared by every app: pagination and JSON errors a person can act on."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from portal.clientip import client_ip
from portal.errors import JourneyError

# Ids in API paths: digits that fit a bigint. Anything else answers 404 at the router, before a
# view turns it into a number or the database compares it.
ID_REGEX = r"[0-9]{1,18}"


class Pagination(PageNumberPagination):
    """Page-numbered lists with a caller-chosen size, capped."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "There is no such page: give a whole page number from 1 to the last."

    def get_page_size(self, request) -> int:
        """The caller's page size, capped; one that is not a whole number from 1 is a 400 (DRF
        would quietly use the default)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1 or len(raw) > 9:
            raise serializers.ValidationError(
                {
                    "page_size": [
                        f"Give a whole number from 1 (at most {self.max_page_size} a page)."
                    ]
                }
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class ErrorSerializer(serializers.Serializer):
    """Every refusal: a message a person can act on, and the field it concerns when there is one."""

    detail = serializers.CharField()
    field = serializers.CharField(required=False)


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A condition failed; `detail` says which."),
    403: OpenApiResponse(ErrorSerializer, description="You may see this but not do it."),
    404: OpenApiResponse(ErrorSerializer, description="Not there, or not yours to see."),
    409: OpenApiResponse(ErrorSerializer, description="The state moved meanwhile."),
}


class JourneyErrorsMixin:
    """Answer the services' refusals as JSON with their status and a `detail` message."""

    def handle_exception(self, exc):
        if isinstance(exc, JourneyError):
            body = {"detail": exc.message}
            if exc.field:
                body["field"] = exc.field
            return Response(body, status=exc.status)
        return super().handle_exception(exc)


def exception_handler(exc, context):
    """DRF's handler, with every error carrying a top-level `detail` message."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        fields = ", ".join(str(key) for key in response.data)
        response.data = {"detail": f"Please correct: {fields}.", "errors": response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404: JSON under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Not found: check the URL against the API docs at /api/docs/."}, status=404
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400 for a request Django could not read: the reason when it is one of ours (an upload
    over its limit), JSON under /api/, the portal's page elsewhere."""
    from django.core.exceptions import RequestDataTooBig

    from portal.uploads import UploadTooLarge

    if isinstance(exception, UploadTooLarge):
        message = str(exception)
    elif isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = f"The request body is larger than {limit} MB: send less at once."
    else:
        message = "The request could not be read. Check what you sent and retry."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/, the portal's page elsewhere; never a traceback."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Something went wrong on our side; it has been logged. Please retry."},
            status=500,
        )
    from django.views.defaults import server_error as page_server_error

    return page_server_error(request)


class ClientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, keyed (for anonymous callers) on the one client address."""

    def get_ident(self, request) -> str:
        return client_ip(request)


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """What a locked-out sign-in gets: JSON on the API, the explanatory page elsewhere."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Too many wrong passwords in a row: sign-in for this account from your address is "
        f"locked for {minutes} minutes."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


ERROR_RESPONSES = {
    "400": "The request is invalid or a condition failed; `detail` says what to change.",
    "401": "Sign in, or send `Authorization: Token ...`.",
    "403": "You may not do this; `detail` says who may.",
    "404": "Not there, or not yours to see.",
    "405": "This method is not allowed here.",
    "409": "The state moved meanwhile; reload and retry.",
    "429": "Too many requests; wait and retry.",
}


ID_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}


def _integer_ids(operation: dict) -> None:
    """A path id the router takes as ID_REGEX is, to a client, an integer (not a patterned
    string): say so, with the range the router accepts."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "path" and schema.get("pattern") == f"^{ID_REGEX}$":
            parameter["schema"] = dict(ID_SCHEMA)


def document_error_responses(result, generator, request, public):
    """Every operation documents the JSON errors it can answer (a `detail` message at least)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "ApiError",
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
            "additionalProperties": True,
        },
    )
    reference = {"$ref": "#/components/schemas/ApiError"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            _integer_ids(operation)
            responses = operation.setdefault("responses", {})
            public_endpoint = not operation.get("security") or {} in operation["security"]
            for code, description in ERROR_RESPONSES.items():
                if code == "401" and public_endpoint:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
