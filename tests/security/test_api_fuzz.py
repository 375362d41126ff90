"""schemathesis against the OpenAPI schema, as each role: no 5xx, every answer matches the schema.

A fixed number of examples per operation and a fixed seed (derandomize) keep runs repeatable.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from designation import change_requests
from portal.wsgi import application
from tests.assessments.factories import audit_for
from tests.designation import factories
from tests.designation.factories import enrollment_at

EXAMPLES_PER_OPERATION = 6
# Operations only Microsoft reviewers and program admins may call.
STAFF_ONLY = {"/api/v1/program/insights/"}
ROLES = ["anonymous", "partner_admin", "partner_member", "reviewer", "auditor"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def load_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = application
    return schema


SCHEMA = load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app; like Django's test client, keep the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, keep_test_connection):
    """One organisation at the performance step with an audit, and a token per role."""
    org = factories.EligibleOrganizationFactory()
    enrollment = enrollment_at("performance", organization=org)
    auditor = factories.UserFactory(groups=["ISSI auditor"])
    audit_for(enrollment, "performance", auditor=auditor)
    admin = factories.MembershipFactory(organization=org, role="admin").user
    change_requests.change_request_create(  # so that lists have a row to match the schema
        organization_id=org.pk,
        kind="csp",
        action="change",
        fact_id=org.csp_enrollments.get().pk,
        proposed={"kind": "distributor"},
        reason="Moved.",
        by=admin,
    )
    users = {
        "partner_admin": admin,
        "partner_member": factories.MembershipFactory(organization=org, role="member").user,
        "reviewer": factories.UserFactory(groups=["Microsoft reviewer"]),
        "auditor": auditor,
    }
    return {role: AuthToken.objects.create(user=user)[1] for role, user in users.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_the_api_answers_every_generated_request_within_its_schema(operation, role, tokens):
    headers = {"Authorization": f"Token {tokens[role]}"} if role in tokens else {}
    statuses = []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    call()
    if role == "anonymous" and operation.path != "/api/v1/verify/{credential_id}/":
        assert set(statuses) <= {400, 401, 404, 405}, statuses  # nothing without a sign-in
    if operation.path in STAFF_ONLY and role in ("partner_admin", "partner_member", "auditor"):
        assert set(statuses) <= {400, 403}, statuses  # refused before or after the input check
    elif role in tokens and operation.method.upper() == "GET" and "{" not in operation.path:
        assert 200 in statuses  # the generated requests reached the real code
