"""Structured logs carry no secrets and no request bodies."""

import json
import logging

from django.test import RequestFactory

from portal.logging import JsonFormatter, redact


def test_redact_hides_credentials_in_every_common_shape():
    text = 'password=hunter2 token: abc123 {"secret": "s3cr3t"} Authorization=Token xyz'
    cleaned = redact(text)
    for secret in ("hunter2", "abc123", "s3cr3t"):
        assert secret not in cleaned
    assert "password=***" in cleaned


def test_json_line_names_the_path_but_not_the_body_or_query():
    request = RequestFactory().post("/api/v1/audits/1/evidence/?token=abc", data={"file": "x"})
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Bad: %s", ("x",), None
    )
    record.request = request
    record.status_code = 400
    entry = json.loads(JsonFormatter().format(record))
    assert entry == {
        "time": entry["time"],
        "level": "WARNING",
        "logger": "django.request",
        "message": "Bad: x",
        "method": "POST",
        "path": "/api/v1/audits/1/evidence/",
        "status": 400,
    }
