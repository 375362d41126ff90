"""Every number of every API operation, found by walking the OpenAPI schema (integer and number
properties of request bodies, decimal strings, query and path parameters), driven with huge,
negative, fractional and non-numeric values: never a 500, never Django's digit-count wording, and
a bounded number's refusal says its range in words.

Each discovered input must be listed below: a bounded number with its Range (portal/bounds.py),
an identifier (no range: a number naming no row is simply not found), or a page parameter. A new
numeric input that is in none of them fails the walk.
"""

from decimal import Decimal, InvalidOperation

import pytest
from drf_spectacular.generators import SchemaGenerator

from portal import bounds
from tests.assessments.factories import audit_for
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db

HOSTILE = ["99999999999999999999", -1, "-1", "4.55", 12.5, "0.001", "abc", 1e300, "NaN", " 12 x"]
HOSTILE_IN_URLS = ["99999999999999999999", "-1", "4.55", "0.001", "abc", "1e400", "NaN", " 12 x"]
DIGIT_WORDING = "Ensure that there are no more than"
AUDIT_OPS = "POST /api/v1/audits/{id}/"

# Bounded numbers of request bodies, by operation and property ("scores.*": any key's value).
RANGES = {
    (f"{AUDIT_OPS}{action}/", name): allowed
    for action in ("submit", "correct")
    for name, allowed in (
        ("validated_case_volume", bounds.CASE_VOLUME),
        ("score", bounds.CSAT_SCORE),
        ("scores.*", bounds.CAPABILITY_SCORE),
    )
} | {(f"{AUDIT_OPS}determine/", "final_case_rate"): bounds.CASE_RATE}
# Identifiers in bodies and query strings: not quantities, so no range; a well-formed one that
# names no row is an empty list or a 404, anything else a 400.
IDS = {
    ("POST /api/v1/enrollments/", "organization"),
    ("GET /api/v1/appeals/", "enrollment"),
    ("GET /api/v1/audits/", "auditor"),
    ("GET /api/v1/audits/", "enrollment"),
    ("GET /api/v1/enrollments/", "organization"),
    ("GET /api/v1/fact-change-requests/", "organization"),
    ("POST /api/v1/fact-change-requests/", "organization"),
    ("POST /api/v1/fact-change-requests/", "fact_id"),
}
QUERY_RANGES = {("GET /api/v1/queues/{name}/", "older_than_days"): bounds.QUEUE_AGE_DAYS}
# Every list's page parameters, and what a refusal says.
PAGES = {
    "page": (404, "give a whole page number from 1 to the last"),
    "page_size": (400, "Give a whole number from 1 (at most 200 a page)"),
}
# Who calls each operation (the rest: a reviewer), and what else its body needs.
CALLERS = {
    f"{AUDIT_OPS}submit/": "auditor",
    f"{AUDIT_OPS}correct/": "auditor",
    "POST /api/v1/enrollments/": "partner_admin",
    "POST /api/v1/fact-change-requests/": "partner_admin",
    "GET /api/v1/organizations/{id}/invitations/": "partner_admin",
    "GET /api/v1/organizations/{id}/members/": "partner_admin",
    "GET /api/v1/auth/tokens/": "partner_admin",
}
BODIES = {f"{AUDIT_OPS}correct/": {"reason": "A typo"}, f"{AUDIT_OPS}determine/": {"reason": "x"}}


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _numbers(schema: dict, components: dict, prefix: str = "") -> list[str]:
    """The property paths of every number a request body can carry (read-only ones aside)."""
    schema = _resolve(schema, components)
    found = []
    for part in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        found += _numbers(part, components, prefix)
    if schema.get("type") in ("integer", "number") or schema.get("format") == "decimal":
        found.append(prefix)
    for name, child in schema.get("properties", {}).items():
        if not child.get("readOnly"):
            found += _numbers(child, components, f"{prefix}.{name}".lstrip("."))
    if isinstance(schema.get("additionalProperties"), dict):
        found += _numbers(schema["additionalProperties"], components, f"{prefix}.*")
    if "items" in schema:
        found += _numbers(schema["items"], components, f"{prefix}[]")
    return found


def _inputs() -> list[tuple[str, str, str, dict]]:
    """(operation, where, name, its schema) for every numeric input of the API."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    components = document["components"]["schemas"]
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            op = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                schema = _resolve(parameter.get("schema", {}), components)
                if schema.get("type") in ("integer", "number"):
                    found.append((op, parameter["in"], parameter["name"], schema))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            for name in dict.fromkeys(_numbers(body["schema"], components) if body else []):
                found.append((op, "body", name, {}))
    return found


INPUTS = _inputs()


def _acceptable(value, allowed: bounds.Range) -> bool:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return False
    if not number.is_finite() or not allowed.low <= number <= allowed.high:
        return False
    return number == number.quantize(Decimal(1).scaleb(-allowed.places))


@pytest.fixture
def world(partner_admin, org, auditor, reviewer):
    """An organisation at the performance step with an audit claimed by the auditor."""
    enrollment = enrollment_at("performance", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "performance", auditor=auditor, frozen_case_volume=12)
    users = {"partner_admin": partner_admin, "auditor": auditor, "reviewer": reviewer}
    ids = {"organizations": org.pk, "enrollments": enrollment.pk, "audits": audit.pk}
    return users, ids


def _url(path: str, ids: dict, **given) -> str:
    collection = path.split("/")[3]
    values = {"id": ids.get(collection, 1), "name": "eligibility", **given}
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path.replace("{", "").replace("}", "")  # any other id: one naming no row


def _call(api_client, world, op: str, *, path_values=None, query=None, body=None):
    users, ids = world
    method, path = op.split(" ")
    api_client.force_authenticate(users[CALLERS.get(op, "reviewer")])
    url = _url(path, ids, **(path_values or {}))
    if method == "GET":
        return api_client.get(url, query or {})
    return getattr(api_client, method.lower())(url, body if body is not None else {}, format="json")


def _body(name: str, value) -> dict:
    if name.endswith(".*"):
        return {name[:-2]: {"support_function": value}}
    return {name: value}


def test_the_walk_finds_every_kind_of_numeric_input():
    kinds = {(op, where, name) for op, where, name, _ in INPUTS}
    assert (f"{AUDIT_OPS}submit/", "body", "validated_case_volume") in kinds
    assert (f"{AUDIT_OPS}determine/", "body", "final_case_rate") in kinds
    assert ("GET /api/v1/queues/{name}/", "query", "older_than_days") in kinds
    assert ("GET /api/v1/audits/{id}/", "path", "id") in kinds
    listed = set(RANGES) | IDS | set(QUERY_RANGES)
    assert listed <= {(op, name) for op, _, name, _ in INPUTS}, "a listed input is gone"


def _refusals(api_client, world, op: str, where: str, name: str, schema: dict) -> list:
    """What is wrong with one input's answers to the hostile values (nothing: [])."""
    wrong = []
    if where == "path":
        for value in HOSTILE_IN_URLS:
            answer = _call(api_client, world, op, path_values={name: value})
            if answer.status_code not in (400, 403, 404):
                wrong.append((value, answer.status_code))
        return wrong
    if where == "query" and name in PAGES:
        if _call(api_client, world, op).status_code != 200:
            return ["the list itself does not answer 200: give its caller in CALLERS"]
        status, phrase = PAGES[name]
        for value in HOSTILE_IN_URLS:
            answer = _call(api_client, world, op, query={name: value})
            if answer.status_code != status or phrase not in answer.content.decode():
                wrong.append((value, answer.status_code, answer.content[:200]))
        return wrong
    if (op, name) in IDS:
        for value in HOSTILE:
            sent = {"query": {name: value}} if where == "query" else {"body": {name: value}}
            answer = _call(api_client, world, op, **sent)
            if (
                answer.status_code not in (200, 400, 404)
                or DIGIT_WORDING in answer.content.decode()
            ):
                wrong.append((value, answer.status_code, answer.content[:200]))
        return wrong
    allowed = RANGES.get((op, name)) or QUERY_RANGES.get((op, name))
    if allowed is None:
        return ["a number in neither RANGES, QUERY_RANGES, IDS nor PAGES"]
    if "maximum" in schema and (schema["minimum"], schema["maximum"]) != (
        allowed.low,
        allowed.high,
    ):
        wrong.append(("the schema's minimum and maximum differ from", allowed))
    for value in HOSTILE:
        if _acceptable(value, allowed):
            continue
        if where == "query":
            answer = _call(api_client, world, op, query={name: value})
        else:
            answer = _call(api_client, world, op, body={**BODIES.get(op, {}), **_body(name, value)})
        text = answer.content.decode()
        if answer.status_code != 400 or DIGIT_WORDING in text or allowed.words() not in text:
            wrong.append((value, answer.status_code, text[:200]))
    return wrong


def test_every_numeric_input_refuses_hostile_values_with_its_range(api_client, world):
    """One test over every input (one set of fixtures: the walk stays well under a minute)."""
    wrong = {}
    for op, where, name, schema in INPUTS:
        found = _refusals(api_client, world, op, where, name, schema)
        if found:
            wrong[f"{op} {where}:{name}"] = found
    assert not wrong, wrong
    assert len(INPUTS) > 60  # the walk found the API's inputs
