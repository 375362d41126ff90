"""Fail loudly, with the reason, when PostgreSQL or Redis does not answer; create the database."""

import os
import sys
from urllib.parse import urlparse

import psycopg2
import redis


def check_postgres(url: str) -> None:
    parts = urlparse(url)
    name = parts.path.lstrip("/") or "postgres"
    try:
        conn = psycopg2.connect(
            dbname="postgres",
            user=parts.username or "postgres",
            password=parts.password or None,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            connect_timeout=5,
        )
    except psycopg2.OperationalError as exc:
        sys.exit(f"FAIL: PostgreSQL at {parts.hostname}:{parts.port} does not answer: {exc}")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
        cur.execute("SHOW server_version")
        print(f"PostgreSQL {cur.fetchone()[0]} answers; database {name} ready.")
    conn.close()


def check_redis(url: str) -> None:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5)
        client.ping()
    except redis.RedisError as exc:
        sys.exit(f"FAIL: Redis at {url} does not answer: {exc}")
    print(f"Redis {client.info()['redis_version']} answers.")


if __name__ == "__main__":
    for variable in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(variable):
            sys.exit(f"FAIL: {variable} is not set.")
    check_postgres(os.environ["DATABASE_URL"])
    check_redis(os.environ["REDIS_URL"])
