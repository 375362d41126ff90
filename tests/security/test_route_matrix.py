"""Every URL pattern, requested as five kinds of caller who must not get in.

anonymous · a partner admin of ANOTHER organisation · a partner MEMBER of the organisation
(reads, never writes) · an ISSI AUDITOR not assigned to the organisation's audit · an ISSI auditor
whose (performance) audit of the organisation is FINISHED: determined by a reviewer, who gave a
reason. An auditor sees only their audit records, never the organisation's pages (SPEC section 1).
A route with no row in MATRIX fails the test: a new route must say who may reach it.

CANARY, a reviewer's reason (on the eligibility decision and on the case-rate override), must not
appear in any answer to anyone but the organisation's own people.
"""

import re
from datetime import date, timedelta

import pytest
from django.contrib.admindocs.views import simplify_regex
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from knox.models import AuthToken

from assessments import services as audit_services
from assessments.models import Appeal, ChangeRequest, Comment
from assessments.services.attachments import attachment_add
from designation import change_requests
from designation.credentials.issue import issue_credential
from designation.models import (
    Designation,
    EnrollmentEvent,
    Invitation,
    Notification,
    ProgramRules,
)
from designation.team.tokens import token_for
from metrics.models import ImportRecord
from tests.assessments.factories import audit_for, pdf_upload
from tests.conftest import PortalClient
from tests.designation import factories
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the sign-in page
# name: (method, anonymous, other organisation's admin, partner member, unassigned auditor,
#        auditor of a finished audit)
MATRIX = {
    # --- public and account pages
    "home": ("GET", LOGIN, 302, 302, 302, 302),
    "login": ("GET", 200, 302, 302, 302, 302),
    "logout": ("POST", 302, 302, 302, 302, 302),
    "two-factor": ("GET", LOGIN, 302, 302, 302, 302),
    "healthz": ("GET", 200, 200, 200, 200, 200),
    "verify-page": ("GET", 200, 200, 200, 200, 200),
    "directory": ("GET", 200, 200, 200, 200, 200),
    "api-schema": ("GET", 200, 200, 200, 200, 200),
    "api-docs": ("GET", 200, 200, 200, 200, 200),
    "api-token": ("POST", 400, 400, 400, 400, 400),
    "api-token-list": ("GET", 401, 200, 200, 200, 200),  # each caller's own tokens
    "api-token-detail": ("DELETE", 401, 404, 404, 404, 404),  # the partner admin's token
    "api-verify": ("GET", 200, 200, 200, 200, 200),
    # --- organisation pages
    "organization-index": ("GET", LOGIN, 200, 200, 200, 200),
    "organization-overview": ("GET", LOGIN, 404, 200, 404, 404),
    "organization-settings": ("GET", LOGIN, 404, 200, 404, 404),
    "account-facts-edit": ("POST", LOGIN, 404, 403, 404, 404),
    "fact-add": ("POST", LOGIN, 404, 403, 404, 404),
    "fact-edit": ("POST", LOGIN, 404, 403, 404, 404),
    "fact-delete": ("POST", LOGIN, 404, 403, 404, 404),
    "enrollment-home": ("GET", LOGIN, 404, 302, 404, 404),  # to the open enrollment
    "enrollment-apply": ("POST", LOGIN, 404, 403, 404, 404),
    "enrollment-page": ("GET", LOGIN, 404, 200, 404, 404),
    "enrollment-transition": ("POST", LOGIN, 404, 403, 404, 404),
    "organization-assessments": ("GET", LOGIN, 404, 200, 404, 404),
    "badge": ("GET", LOGIN, 404, 200, 404, 404),
    "badge-letter": ("GET", LOGIN, 404, 200, 404, 404),
    "metrics-overview": ("GET", LOGIN, 404, 200, 404, 404),
    "metrics-import": ("POST", LOGIN, 404, 403, 404, 404),
    "metrics-import-detail": ("GET", LOGIN, 404, 200, 404, 404),
    "metrics-import-status": ("GET", LOGIN, 404, 200, 404, 404),
    # --- reviewer and auditor workspaces
    "review-queues": ("GET", LOGIN, 403, 403, 403, 403),
    "audit-index": ("GET", LOGIN, 403, 403, 200, 200),
    "audit-page": ("GET", LOGIN, 404, 200, 404, 404),
    "audit-claim-form": ("POST", LOGIN, 404, 403, 404, 404),
    "audit-evidence-form": ("POST", LOGIN, 404, 403, 404, 404),
    "audit-submit-form": ("POST", LOGIN, 404, 403, 404, 404),
    "audit-determine-form": ("POST", LOGIN, 404, 403, 404, 404),
    "evidence-download": ("GET", LOGIN, 404, 200, 404, 404),
    # --- API
    "api-root": ("GET", 401, 200, 200, 200, 200),
    "organization-list": ("GET", 401, 200, 200, 200, 200),
    "organization-detail": ("GET", 401, 404, 200, 404, 404),
    "organization-prerequisites": ("GET", 401, 404, 200, 404, 404),
    "api-case-rate": ("GET", 401, 404, 200, 404, 404),
    "api-cases-import": ("POST", 401, 404, 403, 404, 404),
    "api-revenue-import": ("POST", 401, 404, 403, 404, 404),
    "enrollment-list": ("GET", 401, 200, 200, 200, 200),
    "enrollment-detail": ("GET", 401, 404, 200, 404, 404),
    "enrollment-transitions": ("POST", 401, 404, 403, 404, 404),
    "audit-list": ("GET", 401, 200, 200, 200, 200),
    "audit-detail": ("GET", 401, 404, 200, 404, 404),
    "audit-claim": ("POST", 401, 404, 403, 404, 404),
    "audit-correct": ("POST", 401, 404, 403, 404, 404),
    "audit-determine": ("POST", 401, 404, 403, 404, 404),
    "audit-evidence": ("POST", 401, 404, 403, 404, 404),
    "audit-submit": ("POST", 401, 404, 403, 404, 404),
    # --- badges, teams and accounts (a finished audit's auditor answers as any auditor)
    # staff: already on, to the account page
    "two-factor-setup": ("GET", LOGIN, 200, 200, 302, 302),
    "two-factor-disable": ("POST", LOGIN, 302, 302, 302, 302),
    "recovery-codes": ("POST", LOGIN, 302, 302, 200, 200),  # partners: no authenticator yet
    "account": ("GET", LOGIN, 200, 200, 200, 200),
    "sign-out-everywhere": ("POST", LOGIN, 302, 302, 302, 302),  # no password given: refused
    "password_change": ("GET", LOGIN, 200, 200, 200, 200),
    "password_change_done": ("GET", LOGIN, 200, 200, 200, 200),
    "password_reset": ("GET", 200, 200, 200, 200, 200),
    "password_reset_done": ("GET", 200, 200, 200, 200, 200),
    "password_reset_confirm": ("GET", 200, 200, 200, 200, 200),  # a bad link: the page says so
    "password_reset_complete": ("GET", 200, 200, 200, 200, 200),
    "oidc_authentication_init": ("GET", 404, 404, 404, 404, 404),  # not configured here
    "oidc_authentication_callback": ("GET", 404, 404, 404, 404, 404),
    "invitation-accept": ("GET", 200, 200, 200, 200, 200),  # the link is the credential
    "verify-credential": ("POST", 200, 200, 200, 200, 200),  # an empty form answers its error
    "verify-badge-image": ("GET", 200, 200, 200, 200, 200),
    "did-document": ("GET", 200, 200, 200, 200, 200),
    "jwks": ("GET", 200, 200, 200, 200, 200),
    "credential-status-list": ("GET", 200, 200, 200, 200, 200),
    "badge-locations": ("POST", LOGIN, 404, 403, 404, 404),
    "badge-svg": ("GET", LOGIN, 404, 200, 404, 404),
    "badge-png": ("GET", LOGIN, 404, 200, 404, 404),
    "badge-credential-jwt": ("GET", LOGIN, 404, 200, 404, 404),
    "badge-credential-json": ("GET", LOGIN, 404, 200, 404, 404),
    "team": ("GET", LOGIN, 404, 200, 404, 404),
    "team-invite": ("POST", LOGIN, 404, 403, 404, 404),
    "invitation-resend": ("POST", LOGIN, 404, 403, 404, 404),
    "invitation-revoke": ("POST", LOGIN, 404, 403, 404, 404),
    "member-role": ("POST", LOGIN, 404, 403, 404, 404),
    "member-remove": ("POST", LOGIN, 404, 403, 404, 404),
    "evidence-remove": ("POST", LOGIN, 404, 403, 404, 404),
    "organization-designation": ("GET", 401, 404, 200, 404, 404),
    "api-members": ("GET", 401, 404, 200, 404, 404),
    "api-member-detail": ("PATCH", 401, 404, 403, 404, 404),
    "api-invitations": ("POST", 401, 404, 403, 404, 404),
    "api-invitation-detail": ("DELETE", 401, 404, 403, 404, 404),
    "api-invitation-resend": ("POST", 401, 404, 403, 404, 404),
    # --- readiness, benchmarks and program insights
    "readiness-page": ("GET", LOGIN, 404, 200, 404, 404),
    "benchmarks-page": ("GET", LOGIN, 404, 200, 404, 404),
    "evidence-library": ("POST", LOGIN, 404, 403, 404, 404),
    "evidence-library-attach": ("POST", LOGIN, 404, 403, 404, 404),
    "program-insights": ("GET", LOGIN, 403, 403, 403, 403),
    "program-insights-csv": ("GET", LOGIN, 403, 403, 403, 403),
    "api-readiness": ("GET", 401, 404, 200, 404, 404),
    "api-benchmarks": ("GET", 401, 404, 200, 404, 404),
    "api-program-insights": ("GET", 401, 403, 403, 403, 403),
    # --- facts of record, change requests, the feed, audit cases and corrections
    "partner-acts-edit": ("POST", LOGIN, 404, 403, 404, 404),
    "change-request-new": ("POST", LOGIN, 404, 403, 404, 404),
    "change-request-new-for": ("POST", LOGIN, 404, 403, 404, 404),
    "change-request-page": ("GET", LOGIN, 404, 200, 404, 404),
    "change-request-decide": ("POST", LOGIN, 404, 403, 404, 404),
    "change-request-evidence": ("GET", LOGIN, 404, 200, 404, 404),
    "partner-facts-import": ("GET", LOGIN, 403, 403, 403, 403),
    "audit-cases": ("GET", LOGIN, 404, 404, 404, 404),  # the world's audit is capability: no cases
    "audit-cases-pick": ("POST", LOGIN, 404, 404, 404, 404),  # the same: no cases to pick
    "audit-correct-form": ("POST", LOGIN, 404, 403, 404, 404),
    "api-partner-facts-import": ("POST", 401, 403, 403, 403, 403),
    "fact-change-request-list": ("GET", 401, 200, 200, 200, 200),  # each caller's own scope
    "fact-change-request-detail": ("GET", 401, 404, 200, 404, 404),
    "fact-change-request-accept": ("POST", 401, 404, 403, 404, 404),
    "fact-change-request-decline": ("POST", 401, 404, 403, 404, 404),
    # --- the audit conversation and the notification centre
    "audit-request-changes-form": ("POST", LOGIN, 404, 403, 404, 404),
    "audit-answer-change-form": ("POST", LOGIN, 404, 403, 404, 404),
    "audit-changes": ("GET", 401, 404, 200, 404, 404),
    "audit-answer": ("POST", 401, 404, 403, 404, 404),
    # the member's empty comment: refused
    "audit-comment-form": ("POST", LOGIN, 404, 302, 404, 404),
    "enrollment-comment-form": ("POST", LOGIN, 404, 302, 404, 404),
    "audit-comments": ("GET", 401, 404, 200, 404, 404),
    "enrollment-comments": ("GET", 401, 404, 200, 404, 404),
    "audit-appeal-form": ("POST", LOGIN, 404, 403, 404, 404),
    "enrollment-appeal-form": ("POST", LOGIN, 404, 403, 404, 404),
    "appeal-page": ("GET", LOGIN, 404, 200, 404, 404),
    # a file on the enrollment thread: the organisation's people only (not its auditors)
    "attachment-download": ("GET", LOGIN, 404, 200, 404, 404),
    "appeal-decide-form": ("POST", LOGIN, 404, 403, 404, 404),
    "audit-appeal": ("POST", 401, 404, 403, 404, 404),
    "enrollment-appeal": ("POST", 401, 404, 403, 404, 404),
    "appeal-list": ("GET", 401, 200, 200, 200, 200),
    "appeal-detail": ("GET", 401, 404, 200, 404, 404),
    "appeal-decide": ("POST", 401, 404, 403, 404, 404),
    "api-queue": ("GET", 401, 403, 403, 403, 403),  # the reviewers' eligibility queue
    "notification-centre": ("GET", LOGIN, 200, 200, 200, 200),
    "notification-open-form": ("POST", LOGIN, 404, 404, 404, 404),
    "notification-read-all-form": ("POST", LOGIN, 302, 302, 302, 302),
    "notification-preferences-page": ("GET", LOGIN, 200, 200, 200, 200),
    "notification-list": ("GET", 401, 200, 200, 200, 200),
    "notification-detail": ("GET", 401, 404, 404, 404, 404),
    "notification-read": ("POST", 401, 404, 404, 404, 404),
    "notification-read-all": ("POST", 401, 200, 200, 200, 200),
    "notification-preferences": ("GET", 401, 200, 200, 200, 200),
}
ROLES = ("anonymous", "other_partner", "member", "unassigned_auditor", "finished_auditor")
CANARY = "CANARY-reviewer-reason-7f3e"


def all_routes():
    """(name, path pattern) of every named URL outside Django admin, router suffixes skipped."""
    found = {}

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                pattern = prefix + str(entry.pattern)
                if "(?P<format>" in pattern:
                    continue
                path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", simplify_regex(pattern))
                found.setdefault(entry.name, path)

    walk(get_resolver().url_patterns)
    return found


ROUTES = all_routes()


@pytest.fixture
def world(settings, tmp_path):
    """One organisation at the capability step, with one of everything a route can point at."""
    settings.MEDIA_ROOT = tmp_path / "evidence"
    org = factories.EligibleOrganizationFactory()
    admin = factories.MembershipFactory(organization=org, role="admin").user
    member = factories.MembershipFactory(organization=org, role="member").user
    assigned = factories.UserFactory(groups=["ISSI auditor"])
    enrollment = enrollment_at("capability", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "capability", auditor=assigned)
    evidence = audit_services.evidence_upload(
        audit_id=audit.pk, by=admin, upload=pdf_upload(), component="processes_procedures"
    )
    designation = Designation.objects.create(
        organization=org,
        enrollment=enrollment,
        attained_on=date(2026, 1, 10),
        anniversary_on=date(2027, 1, 10),
    )
    credential = issue_credential(
        designation, valid_from=designation.attained_on, valid_until=designation.anniversary_on
    )
    finished = factories.UserFactory(groups=["ISSI auditor"])
    reviewer = factories.UserFactory(groups=["Microsoft reviewer"])
    audit_for(
        enrollment,
        "performance",
        auditor=finished,
        status="determined",
        verdict="pass",
        validated_case_volume=12,
        proposed_case_rate="9.00",
        final_case_rate="8.00",
        override_reason=CANARY,
        determined_by=reviewer,
    )
    EnrollmentEvent.record(
        enrollment,
        transition="approve_eligibility",
        from_state="eligibility_review",
        by=reviewer,
        rules_version=ProgramRules.objects.in_force(date(2026, 11, 21)),
        note=CANARY,
    )
    record = ImportRecord.objects.create(organization=org, kind="cases", file_name="cases.csv")
    token, _secret = AuthToken.objects.create(user=admin)
    change_request = change_requests.change_request_create(
        organization_id=org.pk,
        kind="account",
        action="change",
        proposed={"legal_name": "Renamed"},
        reason="We were renamed.",
        evidence=pdf_upload(),
        by=admin,
    )
    change = ChangeRequest.objects.create(
        audit=audit, note="Missing", due_on=date(2026, 12, 5), requested_by=assigned
    )
    appeal = Appeal.objects.create(
        enrollment=enrollment,
        subject="ineligible",
        decision_key="world",
        decision_on=date(2026, 11, 1),
        closes_on=date(2026, 12, 1),
        statement="Please look again",
        filed_by=admin,
    )
    notification = Notification.objects.create(
        recipient=admin, kind="audit_claimed", key="world", title="Claimed"
    )
    comment = Comment.objects.create(enrollment=enrollment, author=admin, body="See the file")
    attachment = attachment_add(upload=pdf_upload(), by=admin, comment=comment)
    other = factories.MembershipFactory(role="admin").user
    invitation = Invitation.objects.create(
        organization=org,
        email="invited@example.com",
        role="member",
        expires_at=timezone.now() + timedelta(days=7),
    )
    callers = {
        "anonymous": None,
        "other_partner": other,
        "member": member,
        "unassigned_auditor": factories.UserFactory(groups=["ISSI auditor"]),
        "finished_auditor": finished,
    }
    values = {
        "organization_id": org.pk,
        "id": org.pk,
        "enrollment_id": enrollment.pk,
        "audit_id": audit.pk,
        "evidence_id": evidence.pk,
        "credential_id": designation.credential_id,
        "status_list_id": credential.status_list_id,
        "kind": "support-contracts",
        "name": "withdraw",
        "table": "funnel",
        "membership_id": org.memberships.get(user=admin).pk,
        "invitation_id": invitation.pk,
        "token": token_for(invitation),
        "uidb64": "MQ",
        "notification_id": notification.pk,
        "request_id": change.pk,
        "appeal_id": appeal.pk,
        "attachment_id": attachment.pk,
    }
    return {
        "callers": callers,
        "values": values,
        "org": org,
        "audit": audit,
        "record": record,
        "token": token,
        "invitation": invitation,
        "change_request": change_request,
    }


def url_for(name: str, pattern: str, world) -> str:
    values = dict(world["values"])
    if name == "api-queue":
        values["name"] = "eligibility"
    elif name.startswith("notification-") and "<pk>" in pattern:
        values["pk"] = values["notification_id"]
    elif name.startswith("appeal-") and "<pk>" in pattern:
        values["pk"] = values["appeal_id"]
    elif name == "api-token-detail":
        values["id"] = world["token"].token_key
    elif name.startswith("change-request-") and "<pk>" in pattern:
        is_fact = name == "change-request-new-for"
        values["pk"] = (
            world["org"].support_contracts.get().pk if is_fact else world["change_request"].pk
        )
    elif name.startswith("fact-change-request-") and "<pk>" in pattern:
        values["pk"] = world["change_request"].pk
    elif name.startswith("metrics-import"):
        values["kind"] = "cases"
        values["pk"] = world["record"].pk
    elif name.startswith("fact-"):
        values["pk"] = world["org"].support_contracts.get().pk
    elif name.startswith(("audit-", "enrollment-", "organization-")) and "<pk>" in pattern:
        key = {"audit": "audit_id", "enrollment": "enrollment_id"}.get(name.split("-")[0])
        values["pk"] = values[key] if key else values["organization_id"]
    url = pattern
    for key, value in values.items():
        url = url.replace(f"<{key}>", str(value))
    assert "<" not in url, f"no value for a parameter of {name}: {pattern}"
    return url


def test_every_route_has_a_row_in_the_matrix():
    missing = sorted(set(ROUTES) - set(MATRIX))
    assert missing == [], f"add these routes to MATRIX with who may reach them: {missing}"
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert stale == [], f"these MATRIX rows name no route any more: {stale}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_route_answers_each_outsider_as_expected(name, world):
    method, *expected = MATRIX[name]
    url = url_for(name, ROUTES[name], world)
    answers = {}
    for role, want in zip(ROLES, expected, strict=True):
        client = PortalClient()  # staff callers have completed two-factor sign-in
        user = world["callers"][role]
        if user is not None:
            client.force_login(user)
        response = client.generic(method, url, HTTP_ACCEPT="text/html,application/json")
        got = response.status_code
        if want == LOGIN:
            got = LOGIN if got == 302 and "/accounts/login/" in response["Location"] else got
        answers[role] = got
        if role != "member":
            assert CANARY not in response.content.decode(errors="replace"), (role, url)
    assert answers == dict(zip(ROLES, expected, strict=True)), url
    # No outsider changed anything on the way.
    audit = world["audit"]
    audit.refresh_from_db()
    assert (audit.status, audit.evidence.count()) == ("claimed", 1)
    assert audit.enrollment.state == "capability"
    assert world["org"].support_contracts.count() == 1
    assert AuthToken.objects.filter(pk=world["token"].pk).exists()
    assert sorted(world["org"].memberships.values_list("role", flat=True)) == ["admin", "member"]
    invitation = world["invitation"]
    invitation.refresh_from_db()
    assert invitation.status == "pending" and invitation.key == world["invitation"].key
    world["change_request"].refresh_from_db()
    assert world["change_request"].status == "pending"
    assert world["org"].fact_changes.count() == 0
