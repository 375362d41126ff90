"""Data for the renewal benchmark (bench/renewals.py), made with generate_series: N organisations,
each with one partner admin, an enrolled first attainment (its form filled in), a capability pass
(valid two years for two in three), a CSAT pass (one year) and a designation whose anniversary
falls on one day of the year after AS_OF - 30, evenly spread. On AS_OF every designation is still
`active`: the first run moves 91 days' worth into the renewal window (the backlog), each later
day about N/365."""

import os
import time
from datetime import date

AS_OF = date(2026, 11, 21)
BENCH_DB = os.environ.get("BENCH_RENEWALS_DATABASE", "bench_renewals")
SPREAD_FROM = -30  # the earliest anniversary, in days after AS_OF

GENERATE = [
    (
        "organisations",
        """
        INSERT INTO designation_organization
            (partner_id, legal_name, country, in_good_standing, partner_center_registered,
             tax_billing_on_file, representative_attested, code_of_conduct_accepted_on,
             facts_source, created_at)
        SELECT (20000000 + g)::text, 'Bench partner ' || g, 'US', true, true, true, true,
               %(as_of)s::date - 800, 'feed', now()
        FROM generate_series(1, %(n)s) AS g
        """,
    ),
    (
        "partner admins",
        """
        INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                               is_staff, is_active, date_joined)
        SELECT '!', false, 'admin-' || o.id, 'Admin', o.id::text,
               'admin-' || o.id || '@example.com', false, true, now()
        FROM designation_organization o
        """,
    ),
    (
        "memberships",
        """
        INSERT INTO designation_membership (user_id, organization_id, role)
        SELECT u.id, substr(u.username, 7)::bigint, 'admin'
        FROM auth_user u WHERE u.username LIKE 'admin-%%'
        """,
    ),
    (
        "enrolled first attainments",
        """
        INSERT INTO designation_enrollment
            (organization_id, kind, state, contact_name, contact_email, solution_areas,
             csp_type, support_plan, attested, prerequisite_snapshot, attempt_status,
             csat_carried_over, capability_carried_over, withdrawn_from, reason,
             last_event_hash, created_at, submitted_on, enrolled_on)
        SELECT o.id, 'first_attainment', 'enrolled', 'Contact ' || o.id,
               'contact-' || o.id || '@example.com', ARRAY['security'], 'direct_bill', 'psfp',
               true, '[]', 'not_started', false, false, '', '', '',
               %(as_of)s::timestamptz - interval '500 days', %(as_of)s::date - 480,
               %(as_of)s::date - 365 + %(spread_from)s + (o.id %% 365)::int
        FROM designation_organization o
        """,
    ),
    (
        "audits (capability and CSAT passes)",
        """
        INSERT INTO assessments_auditrecord
            (enrollment_id, kind, attempt, status, created_at, assigned_on, submitted_at,
             fee_schedule_id, fee_amount, fee_currency, override_reason, scores, verdict,
             judged_against, correction_reason, valid_until)
        SELECT e.id, k.kind, 1, 'submitted', e.created_at, e.enrolled_on - 20,
               e.created_at + interval '10 days', f.id, f.amount, f.currency, '', '{}', 'pass',
               '{}', '',
               e.enrolled_on + CASE WHEN k.kind = 'capability' AND e.id %% 3 <> 0
                                    THEN 730 ELSE 364 END
        FROM designation_enrollment e
        CROSS JOIN (VALUES ('capability'), ('csat')) AS k(kind)
        JOIN LATERAL (SELECT id, amount, currency FROM assessments_feeschedule
                       WHERE kind = k.kind ORDER BY effective_from DESC LIMIT 1) AS f ON true
        """,
    ),
    (
        "designations (active)",
        """
        INSERT INTO designation_designation
            (organization_id, enrollment_id, attained_on, anniversary_on, state, credential_id)
        SELECT e.organization_id, e.id, e.enrolled_on, e.enrolled_on + 365, 'active',
               md5('bench-credential-' || e.id)
        FROM designation_enrollment e
        """,
    ),
]


def server():
    """An autocommit connection to the server's `postgres` database."""
    import psycopg2
    from django.conf import settings

    default = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname="postgres",
        user=default["USER"],
        password=default["PASSWORD"],
        host=default["HOST"],
        port=default["PORT"] or None,
    )
    connection.autocommit = True
    return connection


def create_database() -> None:
    """A fresh database for the run, migrated; Django points at it from here on."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django
    from django.conf import settings

    connection = server()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    connection.close()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    settings.DATABASES["default"].pop("TEST", None)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    connection = server()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    connection.close()


def generate(n: int, say) -> None:
    from django.db import connection

    params = {"n": n, "as_of": AS_OF, "spread_from": SPREAD_FROM}
    started = time.perf_counter()
    for title, sql in GENERATE:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.rowcount
        say(f"  {title:<38} {rows:>10,} rows {time.perf_counter() - t:7.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"  built in {time.perf_counter() - started:.1f} s")


RESET = [
    # Back to AS_OF's morning: every designation active, no renewal, reminder or notice. The
    # event log is append-only (a trigger): replica mode skips triggers for the clean-up.
    "SET session_replication_role = replica",
    """DELETE FROM designation_enrollmentevent WHERE enrollment_id IN
       (SELECT id FROM designation_enrollment WHERE kind = 'renewal')""",
    "DELETE FROM designation_enrollment WHERE kind = 'renewal'",
    "DELETE FROM designation_renewalreminder",
    "DELETE FROM designation_notification",
    "UPDATE designation_issuedcredential SET revoked_at = NULL, revocation_reason = ''",
    "UPDATE designation_designation SET state = 'active' WHERE state <> 'active'",
    "SET session_replication_role = DEFAULT",
]


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in RESET:
            cursor.execute(sql)
        cursor.execute("VACUUM ANALYZE designation_enrollment, designation_designation")
