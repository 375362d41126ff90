"""The partner dashboard's rendered content, cached exactly (issue 17).

The Overview page is the shell (base.html: the user's name, the bell, the CSRF token, messages)
around the dashboard's content (templates/jinja2/designation/includes/overview_board.jinja). The
content is a function of the rows it reads, the day, the viewer and the deployed code, so it is
cached under a key made of all of them:

- the organisation, the day shown, the viewer (their id, superuser flag, staff groups and
  memberships, from the one role lookup per request), whether they see the timeline and may edit;
- the code: a digest of the templates and the apps' Python source, the time zone, SITE_URL and
  the URL prefix (what {% url %} and the dates depend on);
- the FINGERPRINT of the rows the content reads: for each table in FINGERPRINT_PARTS, the
  (id, xmin) pairs of exactly the rows the dashboard's queries can read for this organisation,
  viewer and day. PostgreSQL gives every committed insert or update a new xmin and a delete
  removes the pair, so any committed change to a row shown changes the fingerprint.

The fingerprint is read in the organisation's own query (one statement, one snapshot), before any
of the content's queries, so a body stored under it is never older than it. It is NULL, and the
cache is not used, when the request's own transaction has written anything
(pg_current_xact_id_if_assigned()): rows it wrote carry its own xmin, which a second write in the
same transaction would not change. A normal request runs in autocommit and writes nothing before
the view; tests that run inside one transaction therefore always render afresh.

tests/journey/test_dashboard_cache.py holds the guard: every table the content's queries read
must be in FINGERPRINT_PARTS.
"""

import hashlib
import logging
import re
import sys
from functools import cache
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.template import engines
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from designation import selectors
from designation.models import Organization
from designation.models.organizations import Scope
from journey.dashboard import dashboard_for
from portal import compiled
from portal.roles import roles_of

log = logging.getLogger(__name__)

TEMPLATE = "designation/includes/overview_board.jinja"  # a Jinja2 template (journey/jinja.py)
# Entries also end with the day shown; a day is plenty and bounds what a stale xmin could do
# after 2^32 transactions (the xmin counter wraps).
TIMEOUT_SECONDS = 24 * 3600

_ENROLLMENTS = "SELECT e.id FROM designation_enrollment e WHERE e.organization_id = %(org)s"
_AUDITS = (
    "SELECT a.id FROM assessments_auditrecord a JOIN designation_enrollment e "
    "ON e.id = a.enrollment_id WHERE e.organization_id = %(org)s"
)
_EVIDENCE = (
    "SELECT f.id FROM assessments_evidencefile f JOIN assessments_auditrecord a ON a.id = "
    "f.audit_id JOIN designation_enrollment e ON e.id = a.enrollment_id WHERE e.organization_id "
    "= %(org)s"
)
_LATEST_BENCHMARK = "SELECT max(c.as_of) FROM metrics_cohortbenchmark c WHERE c.as_of <= %(on)s"

# (table, rows of it the dashboard can read). %(org)s is the organisation, %(viewer)s the
# viewer's user id, %(on)s the day shown.
FINGERPRINT_PARTS: tuple[tuple[str, str], ...] = (
    ("designation_organization", "t.id = %(org)s"),
    ("designation_solutionspartnerdesignation", "t.organization_id = %(org)s"),
    ("designation_cspenrollment", "t.organization_id = %(org)s"),
    ("designation_supportcontract", "t.organization_id = %(org)s"),
    ("designation_incentivegrant", "t.organization_id = %(org)s"),
    # The organisation's designation, and those of the viewer's organisations (the readiness
    # card's cohort counts how many of them are designated).
    (
        "designation_designation",
        "t.organization_id = %(org)s OR t.organization_id IN "
        "(SELECT m.organization_id FROM designation_membership m WHERE m.user_id = %(viewer)s)",
    ),
    ("designation_membership", "t.user_id = %(viewer)s"),
    # The users the organisation's facts and audits name (select_related).
    (
        "auth_user",
        "t.id IN (SELECT o.code_of_conduct_accepted_by_id FROM designation_organization o "
        "WHERE o.id = %(org)s UNION ALL SELECT o.representative_attested_by_id FROM "
        "designation_organization o WHERE o.id = %(org)s UNION ALL SELECT a.auditor_id FROM "
        "assessments_auditrecord a JOIN designation_enrollment e ON e.id = a.enrollment_id "
        "WHERE e.organization_id = %(org)s)",
    ),
    ("designation_enrollment", "t.organization_id = %(org)s"),
    ("designation_enrollmentevent", f"t.enrollment_id IN ({_ENROLLMENTS})"),
    ("assessments_appeal", f"t.enrollment_id IN ({_ENROLLMENTS})"),
    ("assessments_auditrecord", f"t.enrollment_id IN ({_ENROLLMENTS})"),
    ("assessments_evidencefile", f"t.audit_id IN ({_AUDITS})"),
    # A file taken out no longer counts as evidence (EvidenceFile.objects leaves it out).
    ("assessments_evidenceremoval", f"t.evidence_id IN ({_EVIDENCE})"),
    ("assessments_changerequest", f"t.audit_id IN ({_AUDITS})"),
    ("assessments_preparedevidence", "t.organization_id = %(org)s"),
    ("assessments_feeschedule", "TRUE"),  # global and small: every row
    ("designation_programrules", "TRUE"),  # global and small: every row
    # Rollups only: the dashboard never reads raw cases (metrics_case).
    ("metrics_monthlyrollup", "t.organization_id = %(org)s"),
    # The overall cohort of the latest benchmark day on or before the day shown.
    (
        "metrics_cohortbenchmark",
        f"t.as_of = ({_LATEST_BENCHMARK}) AND t.kind = 'overall' AND t.key = ''",
    ),
)


# The (id, xmin) pairs of a part's rows; the parts are the constants above, never input.
_DIGEST = (
    "coalesce((SELECT string_agg(t.id::text || ':' || t.xmin::text, ',' ORDER BY t.id) "
    "FROM {table} t WHERE {where}), '')"
)


def fingerprint_sql() -> str:
    """One scalar expression: the digest of every part, NULL inside a transaction that wrote."""
    digests = [_DIGEST.format(table=table, where=where) for table, where in FINGERPRINT_PARTS]
    digests.append(f"coalesce(({_LATEST_BENCHMARK})::text, '')")
    return (
        "CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN md5(concat_ws('|', "
        + ", ".join(digests)
        + ")) END"
    )


_NAMED = re.compile(r"%\((org|viewer|on)\)s")


FUNCTION = "pg_temp.dashboard_fingerprint"


def function_sql() -> str:
    """fingerprint_sql() as a PL/pgSQL function of the connection's own (pg_temp). PostgreSQL
    keeps a function's plans for the session, and planning the 21 subqueries is most of what
    the expression costs (about 1 ms of 1.5); called from the organisation's query, the
    function reads that query's snapshot (it is STABLE), so it is still one snapshot."""
    body = _NAMED.sub(lambda match: f"p_{match.group(1)}", fingerprint_sql())
    return (
        f"CREATE OR REPLACE FUNCTION {FUNCTION}(p_org bigint, p_viewer bigint, p_on date) "
        "RETURNS text LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan "
        f"AS $fingerprint$ BEGIN RETURN {body}; END $fingerprint$"
    )


def create_fingerprint_function(sender, connection, **kwargs) -> None:
    """On each new database connection (connection_created): the function, once. Should that
    fail, the dashboard uses the expression itself, only slower."""
    connection.dashboard_fingerprint_function = False
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(function_sql())
    except DatabaseError:
        log.warning("dashboard fingerprint function not created", exc_info=True)
        return
    connection.dashboard_fingerprint_function = True


def fingerprint_call(organization_id: int, viewer_id: int, on) -> tuple[str, list]:
    """The fingerprint as SQL and its parameters: the connection's function when it has it, else
    the expression itself (the same value, planned on every call)."""
    connection.ensure_connection()
    if getattr(connection, "dashboard_fingerprint_function", False):
        return f"{FUNCTION}(%s, %s, %s)", [organization_id, viewer_id, on]
    return fingerprint_expression(organization_id, viewer_id, on)


def fingerprint_expression(organization_id: int, viewer_id: int, on) -> tuple[str, list]:
    sql = fingerprint_sql()
    values = {"org": organization_id, "viewer": viewer_id, "on": on}
    return _NAMED.sub("%s", sql), [values[name] for name in _NAMED.findall(sql)]


def _fingerprint(organization_id: int, viewer_id: int, on) -> RawSQL:
    sql, params = fingerprint_call(organization_id, viewer_id, on)
    return RawSQL(sql, params, output_field=TextField())  # noqa: S611 (constants)


def organization_for_dashboard(user, organization_id: int, on) -> Organization:
    """The organisation's id and name (scoped to the user, 404 otherwise) with, in the same
    query, the fingerprint of what its dashboard on `on` shows to this user
    (`dashboard_fingerprint`): all a request whose content is cached reads of it. Its SQL is
    compiled once per thread for the user's scope (portal/compiled.py)."""
    scope = Scope.of(user)
    if scope is None or not compiled.in_id_range(Organization, organization_id):
        raise Http404("No such organisation.")  # as the ORM: no such row
    organization_id = int(organization_id)
    shape = (
        "dashboard organisation",
        *scope.compiled_shape(),
        fingerprint_call(0, 0, on)[0],  # the connection's function, or the expression
    )

    def build(organization_id, viewer_id, on):
        fingerprint = _fingerprint(organization_id, viewer_id, on)
        return selectors.organization_named_for(
            user, organization_id, dashboard_fingerprint=fingerprint
        ).values("id", "legal_name", "dashboard_fingerprint")

    found = compiled.rows(shape, build, organization_id=organization_id, viewer_id=user.pk, on=on)
    if not found:
        raise Http404("No such organisation.")
    organization = Organization.from_db(
        DEFAULT_DB_ALIAS, ["id", "legal_name"], [found[0]["id"], found[0]["legal_name"]]
    )
    organization.dashboard_fingerprint = found[0]["dashboard_fingerprint"]
    organization.dashboard_fingerprint_on = on
    return organization


@cache
def code_version() -> str:
    """A digest of the templates and the apps' source: a deploy that changes either starts
    afresh, even with a cache shared across deploys."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"{sys.version} Django {django.get_version()}".encode())
    files = sorted(root.glob("templates/**/*.html")) + sorted(root.glob("templates/**/*.jinja"))
    for app in ("portal", "designation", "assessments", "metrics", "journey"):
        files += sorted(p for p in (root / app).glob("**/*.py") if "migrations" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(organization: Organization, *, viewer, on, staff: bool, can_edit: bool):
    """The entry's key, or None when the fingerprint is unknown (the cache is not to be used)."""
    fingerprint = getattr(organization, "dashboard_fingerprint", None)
    if fingerprint is None or getattr(organization, "dashboard_fingerprint_on", None) != on:
        return None  # unknown, or read for another day (the cohort part depends on the day)
    roles = roles_of(viewer)
    memberships = sorted(
        (m["organization_id"], m["role"]) for m in roles.extras.get("memberships") or []
    )
    parts = (
        code_version(),
        settings.TIME_ZONE,
        settings.SITE_URL,
        get_script_prefix(),
        organization.pk,
        on.isoformat(),
        viewer.pk,
        roles.superuser,
        sorted(roles.groups),
        memberships,
        staff,
        can_edit,
        fingerprint,
    )
    return "dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def render_board(organization_id: int, *, viewer, on, staff: bool, can_edit: bool) -> str:
    """The dashboard's content, rendered afresh from the organisation read in full (raises
    ProgramRules.DoesNotExist as dashboard_for does). Everything the template sees is here,
    and so in cache_key."""
    organization = selectors.organization_with_designation_for(viewer, organization_id)
    board = dashboard_for(organization, viewer=viewer, on=on, with_timeline=staff)
    return render_content(
        {
            "organization": organization,
            "on": on,
            "board": board,
            "prerequisites": board.prerequisites,
            "all_met": board.all_met,
            "staff_view": staff,
            "can_edit": can_edit,
        },
    )


def render_content(context: dict) -> str:
    """The content's template (Jinja2, through its own engine: journey/jinja.py) in `context`."""
    return engines["jinja2"].get_template(TEMPLATE).render(context)


def board_body(
    organization: Organization, *, viewer, on, staff: bool, can_edit: bool
) -> tuple[str, str | None]:
    """The dashboard's content and its key (None when unknown): from the cache when the key is
    known and stored, else rendered (and stored). The process's own memory is looked in first,
    then the shared cache (another worker may have rendered it); an exact key makes both safe.
    A cache that fails is only a slower page."""
    key = cache_key(organization, viewer=viewer, on=on, staff=staff, can_edit=can_edit)
    if key is not None:
        stored = _read(key)
        if stored is not None:
            return mark_safe(stored), key  # noqa: S308 (our own rendering, stored as rendered)
    body = render_board(organization.pk, viewer=viewer, on=on, staff=staff, can_edit=can_edit)
    if key is not None:
        _store(key, str(body))
    return SafeString(body), key


def _read(key: str) -> str | None:
    stored = caches["fragments"].get(key)
    if stored is not None:
        return stored
    try:
        stored = django_cache.get(key)
    except Exception:  # the cache is an optimisation: the page renders without it
        log.warning("dashboard cache read failed", exc_info=True)
        return None
    if stored is not None:
        caches["fragments"].set(key, stored, TIMEOUT_SECONDS)
    return stored


def _store(key: str, body: str) -> None:
    caches["fragments"].set(key, body, TIMEOUT_SECONDS)
    try:
        django_cache.set(key, body, TIMEOUT_SECONDS)
    except Exception:
        log.warning("dashboard cache write failed", exc_info=True)
