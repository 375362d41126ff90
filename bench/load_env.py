"""The load test's database and environment (bench/load_test.py, bench/dashboard.py): the
database on the portal's PostgreSQL server, migrated, with the demo data and the largest
organisation, and the production settings gunicorn runs with."""

import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
# Two people measuring on one server each name their own (letters, digits and underscores).
LOAD_DB = re.sub(r"\W", "", os.environ.get("LOAD_DATABASE_NAME", "portal_loadtest")) or "x"


def database_url() -> str:
    """A URL for the load-test database on the portal's own PostgreSQL server."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection

    db = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [LOAD_DB])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{LOAD_DB}"')
    return url_of(db, LOAD_DB)


def url_of(db: dict, name: str) -> str:
    """A URL for database `name` on the server of Django's connection settings `db` (its host
    may be a socket directory: the embedded server)."""
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{name}"


def prepare_env() -> dict:
    from joserfc.jwk import OKPKey

    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "CONN_MAX_AGE")}
    env.update(
        DATABASE_URL=database_url(),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        THROTTLE_TOKEN_RATE="1000/minute",
        LOG_LEVEL="WARNING",
        # Production signs badge credentials (seed_demo issues some): a throwaway key.
        CREDENTIAL_SIGNING_KEY=OKPKey.generate_key("Ed25519", private=True)
        .as_pem(private=True)
        .decode(),
    )
    python = sys.executable
    for step in (["migrate", "--noinput"], ["seed_demo"]):
        done = subprocess.run(
            [python, "manage.py", *step], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(step)} failed:\n{done.stderr[-3000:]}")
    from bench import dashboard

    dashboard.run_child(env, "prepare")  # the largest organisation, once
    env["DEBUG"] = "0"  # production settings; CONN_MAX_AGE left to its production default
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="portal-static-")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return env
