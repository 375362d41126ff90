"""`make schemathesis`: the schemathesis CLI against a live portal, outside the timed test suite.

A throwaway database (`<name>_schemathesis` on the configured server) gets the migrations and the
demo data; gunicorn serves it with production settings on a loopback port; schemathesis runs
every check and every phase (examples, coverage, fuzzing, stateful) with at least 50 examples per
operation, once as a Microsoft reviewer and once as a partner admin. Reports land in
var/schemathesis/; the exit status is non-zero when a run found a failure.

    DEBUG=1 DATABASE_URL=postgres://... .venv/bin/python -m tests.security.schemathesis_live
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import django
import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "var" / "schemathesis"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))
ROLES = {"reviewer": "reviewer", "partner_admin": "contoso"}  # demo users (seed_demo)
# Revoking tokens would revoke the one the run signs in with: every later call would be 401.
EXCLUDED = ["--exclude-path", "/api/v1/auth/tokens/{id}/"]
# SCHEMATHESIS_PATHS: a regex of the paths to run (all when unset), e.g. one feature's operations.
PATHS = os.environ.get("SCHEMATHESIS_PATHS", "")


def _admin_connection(settings_dict: dict):
    connection = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    )
    connection.autocommit = True
    return connection


def fresh_database() -> dict:
    """Create `<name>_schemathesis` anew; point Django at it; migrate and seed the demo."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    settings_dict = dict(settings.DATABASES["default"])
    name = f"{settings_dict['NAME']}_schemathesis"
    admin = _admin_connection(settings_dict)
    try:
        with admin.cursor() as cursor:
            database = sql.Identifier(name)
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(database))
    finally:
        admin.close()
    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", verbosity=0)
    return {**settings_dict, "NAME": name}


def tokens() -> dict[str, str]:
    """A fresh API token per role (issued directly: the run is not testing two-factor sign-in)."""
    from django.contrib.auth.models import User
    from knox.models import AuthToken

    return {
        role: AuthToken.objects.create(user=User.objects.get(username=username))[1]
        for role, username in ROLES.items()
    }


# A schema says what a well-formed request is, not whether the password is right, the CSV rows
# are valid or the enrollment is at that step: POSTs may answer a well-formed request with 400
# (a `detail` naming the failed condition). GETs may not.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", 401, 403, 404, 409, 429]

[[operations]]
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]

# A day before the first program-rules version has no rules to judge by: 400 says so. The
# schema cannot know when the program started.
[[operations]]
include-path-regex = '/prerequisites/$'
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]
"""


def known_ids(username: str) -> dict[str, list]:
    """Ids of real rows the role can reach (else nearly every generated id would be a 404)."""
    from django.contrib.auth.models import User

    from assessments.models import Appeal, AuditRecord
    from designation.models import Designation, Enrollment, Notification, Organization

    user = User.objects.get(username=username)

    def ids(queryset) -> list[int]:
        return list(queryset.order_by("-id").values_list("id", flat=True)[:8]) or [1]

    return {
        "organization": ids(Organization.objects.visible_to(user)),
        "enrollment": ids(Enrollment.objects.visible_to(user)),
        "audit": ids(AuditRecord.objects.visible_to(user)),
        "appeal": ids(Appeal.objects.filter(enrollment__in=Enrollment.objects.visible_to(user))),
        "notification": ids(Notification.objects.filter(recipient=user)),
        "credential": list(Designation.objects.values_list("credential_id", flat=True)) or ["x"],
    }


def config_file(role: str, ids: dict[str, list]) -> Path:
    """schemathesis.toml for one role: the ids as dictionaries (drawn for valid cases only)."""
    folder = REPORTS / role
    folder.mkdir(parents=True, exist_ok=True)
    bindings = [
        (r"^/api/v1/organizations/\{id\}/", "path.id", "organization"),
        (r"^/api/v1/enrollments/\{id\}/", "path.id", "enrollment"),
        (r"^/api/v1/audits/\{id\}/", "path.id", "audit"),
        (r"^/api/v1/appeals/\{id\}/", "path.id", "appeal"),
        (r"^/api/v1/notifications/\{id\}/", "path.id", "notification"),
        (r"^/api/v1/verify/", "path.credential_id", "credential"),
    ]
    text = [CONFIG]
    for name, values in ids.items():
        text.append(f"[dictionaries.{name}]\nvalues = {json.dumps(values)}\n")
    for regex, key, name in bindings:
        text.append(
            "[[operations]]\n"
            + f"include-path-regex = '{regex}'\n"  # a TOML literal string: no escapes
            + f'parameters = {{ "{key}" = {{ dictionary = "{name}" }} }}\n'
        )
    path = folder / "schemathesis.toml"
    path.write_text("\n".join(text))
    return path


def run(base: str, role: str, token: str, config: Path) -> int:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/schema/",
        "--url",
        base,
        "-H",
        f"Authorization: Token {token}",
        "-H",
        "X-Forwarded-Proto: https",  # production settings redirect plain http
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "-n",
        str(EXAMPLES),
        "--workers",
        "2",
        "--seed",
        "20261201",
        "--generation-deterministic",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit,ndjson",
        "--report-dir",
        str(REPORTS / role),
        *EXCLUDED,
        *(["--include-path-regex", PATHS] if PATHS else []),
    ]
    print(f"\n=== schemathesis as {role} ===", flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from tests.live_server import database_url, gunicorn, production_env

    settings_dict = fresh_database()
    issued = tokens()
    configs = {role: config_file(role, known_ids(ROLES[role])) for role in ROLES}
    env = production_env(
        database_url(settings_dict),
        STATIC_ROOT=str(ROOT / "var" / "schemathesis" / "static"),
        PROXY_COUNT="0",
        THROTTLE_TOKEN_RATE="100000/minute",  # the runs are to find errors, not throttles
        THROTTLE_IMPORT_RATE="100000/hour",
        EVIDENCE_ROOT=str(ROOT / "var" / "schemathesis" / "evidence"),
        CLAMD_ADDRESS="",
        SECURE_HSTS_SECONDS="0",
    )
    env.pop("REDIS_URL", None)  # Celery in-process: imports run in the request
    with gunicorn(env, workers=2) as base:
        codes = {role: run(base, role, token, configs[role]) for role, token in issued.items()}
    print("\n=== summary ===")
    for role, code in codes.items():
        print(f"{role}: {'no failures' if code == 0 else f'failures (exit {code})'}")
    return max(codes.values())


if __name__ == "__main__":
    raise SystemExit(main())
