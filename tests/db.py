"""Database helpers shared by the tests."""


def other_connection():
    """A second, raw connection to the test database (psycopg2, autocommit off): a concurrent
    writer or reader beside the test's own connection."""
    import psycopg2
    from django.db import connection

    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or None,
    )
