"""Structured (JSON) log lines without secrets, request bodies or evidence contents."""

import json
import logging
import re

from portal.clientip import client_ip

# Values that must never reach a log line, whatever logged them.
_SECRET = re.compile(
    r"(?i)(password|passwd|secret|token|authorization|api[_-]?key|sessionid|csrftoken)"
    r"(\s*[=:]\s*|\"\s*:\s*\")([^\s&\",;]+)"
)


def redact(text: str) -> str:
    """Replace the value of anything that looks like a credential with ***."""
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the request path if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None:
            # Only the method and path: never the body, files, headers or query string.
            entry["method"] = getattr(request, "method", "")
            entry["path"] = getattr(request, "path", "")
            if hasattr(request, "META"):
                entry["client"] = client_ip(request)
            user = getattr(request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                entry["user_id"] = user.pk
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)
