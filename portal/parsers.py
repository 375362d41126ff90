"""Request body parsers with bounds: JSON nested past MAX_DEPTH is refused with a 400."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
TOO_DEEP = f"The JSON body is nested more than {MAX_DEPTH} levels deep: no request needs that."


def depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (iterative: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested past MAX_DEPTH (which would otherwise end in a
    RecursionError, a 500) with a 400 that says why."""

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF reads the body straight from the socket, past DATA_UPLOAD_MAX_MEMORY_SIZE: check it.
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise ParseError(
                    f"The JSON body is larger than {limit // (1024 * 1024)} MB: send less at once."
                )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP) from exc
        if depth(data) > MAX_DEPTH:
            raise ParseError(TOO_DEEP)
        return data
