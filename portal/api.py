"""API plumbing shared by every app: pagination and JSON errors a person can act on."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    """Page-numbered lists with a caller-chosen size, capped."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """DRF's handler, with every error carrying a top-level `detail` message."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        fields = ", ".join(str(key) for key in response.data)
        response.data = {"detail": f"Please correct: {fields}.", "errors": response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response


class ThrottledObtainAuthToken(ObtainAuthToken):
    """`POST username, password` answers `{"token": ...}`; rate-limited per client address."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
