"""Settings read from the environment: malformed values name their variable."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_malformed_database_url_names_the_variable():
    result = load_settings(DEBUG="1", DATABASE_URL="mysql://nobody@localhost/x")
    assert result.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr


def test_malformed_boolean_names_the_variable():
    result = load_settings(DEBUG="perhaps", DATABASE_URL="postgres://postgres@127.0.0.1/portal")
    assert result.returncode != 0
    assert "DEBUG is malformed" in result.stderr


def test_secret_key_is_required_without_debug():
    result = load_settings(
        DEBUG="0", DATABASE_URL="postgres://postgres@127.0.0.1/portal", SECRET_KEY=""
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_half_configured_microsoft_sign_in_names_what_is_missing():
    result = load_settings(
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1/portal",
        OIDC_ISSUER="https://login.microsoftonline.com/tenant/v2.0",
        OIDC_CLIENT_ID="portal",
    )
    assert result.returncode != 0
    assert "half configured: set OIDC_CLIENT_SECRET too" in result.stderr


def test_microsoft_sign_in_needs_an_https_issuer_in_production():
    result = load_settings(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1/portal",
        OIDC_ISSUER="http://login.example.com",
        OIDC_CLIENT_ID="portal",
        OIDC_CLIENT_SECRET="secret",
    )
    assert result.returncode != 0
    assert "OIDC_ISSUER is malformed" in result.stderr
