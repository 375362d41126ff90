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
