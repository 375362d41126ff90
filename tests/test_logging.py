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
        "client": "127.0.0.1",
        "status": 400,
    }


def test_json_line_names_the_client_the_way_lockouts_and_throttles_do(settings):
    settings.PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9")
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), None)
    record.request = request
    assert json.loads(JsonFormatter().format(record))["client"] == "203.0.113.9"
