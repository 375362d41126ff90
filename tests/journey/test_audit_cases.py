"""The frozen case list of a performance assessment: the assigned auditor pages, searches and
downloads it; outsiders get 404; the page's query count is fixed."""

from datetime import date

import pytest
from django.urls import reverse

from assessments import services as audit_services
from assessments.models import AuditRecord
from journey import services
from metrics.models import Case
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(org, partner_admin, auditor):
    factories.rollups(org, cases_per_month=5, revenue_per_month="60000")
    cases = [
        Case(organization=org, case_id=f"C-{n:03}", opened_on=date(2026, 3, 1), program="CSP")
        for n in range(60)
    ]
    cases += [
        Case(organization=org, case_id="EA-1", opened_on=date(2026, 3, 1), program="EA"),
        Case(organization=org, case_id="OLD-1", opened_on=date(2024, 3, 1), program="CSP"),
        Case(
            organization=org,
            case_id="=HYPERLINK(1)",
            opened_on=date(2026, 4, 1),
            program="CSP",
            title="-2+3",
        ),
    ]
    Case.objects.bulk_create(cases)
    enrollment = enrollment_at("performance", organization=org)
    services.enrollment_start_performance(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    audit = AuditRecord.objects.get(enrollment=enrollment, kind="performance")
    audit_services.audit_claim(audit_id=audit.pk, by=auditor, on=TODAY)
    return audit


def test_the_assigned_auditor_pages_and_searches_the_frozen_cases(client, auditor, frozen):
    client.force_login(auditor)
    url = reverse("audit-cases", args=[frozen.pk])
    html = client.get(url).content.decode()
    assert "(61)" in html  # 60 + the formula-looking one; not EA, not outside the window
    assert "C-000" in html and "C-049" in html and "C-050" not in html  # 50 a page
    assert "EA-1" not in html and "OLD-1" not in html
    assert "C-055" in client.get(url, {"page": 2}).content.decode()
    found = client.get(url, {"q": "c-05"}).content.decode()
    assert "(10 matching" in found and "C-051" in found and "C-001" not in found


def test_the_frozen_cases_download_as_csv_without_formulas(client, auditor, frozen):
    client.force_login(auditor)
    response = client.get(reverse("audit-cases", args=[frozen.pk]), {"format": "csv"})
    assert response["Content-Disposition"].startswith("attachment;")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "case_id,opened_on,severity,customer_tenant_id,title"
    assert len(lines) == 62
    assert "'=HYPERLINK(1),2026-04-01,,,'-2+3" in lines


def test_outsiders_get_404(client, frozen, other_org):
    outsider = factories.MembershipFactory(organization=other_org, role="admin").user
    unassigned = factories.UserFactory(groups=["ISSI auditor"])
    for user in (outsider, unassigned):
        client.force_login(user)
        assert client.get(reverse("audit-cases", args=[frozen.pk])).status_code == 404


def test_the_case_list_has_a_fixed_number_of_queries(
    client, auditor, frozen, django_assert_max_num_queries
):
    client.force_login(auditor)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("audit-cases", args=[frozen.pk])).status_code == 200


# --- click-to-exclude: picks kept across pages, flowing into the submit form and the record


def _rows(html: str) -> dict[str, int]:
    """Case ID -> row number of the pick form on a case list page."""
    import re

    found = re.findall(r'name="case_(\d+)" value="([^"]+)"', html)
    return {case_id: int(index) for index, case_id in found}


def _pick(client, audit, page_html, picks: dict[str, str], **extra):
    rows = _rows(page_html)
    body = {"rows": str(len(rows)), "pick": [], **extra}
    for case_id, index in rows.items():
        body[f"case_{index}"] = case_id
    for case_id, reason in picks.items():
        body["pick"].append(str(rows[case_id]))
        body[f"reason_{rows[case_id]}"] = reason
    return client.post(reverse("audit-cases-pick", args=[audit.pk]), body)


def test_the_auditor_picks_exclusions_across_pages_and_they_fill_the_submit_form(
    client, auditor, frozen
):
    client.force_login(auditor)
    url = reverse("audit-cases", args=[frozen.pk])
    first = client.get(url).content.decode()
    assert 'type="checkbox" name="pick"' in first
    answer = _pick(client, frozen, first, {"C-001": "Duplicate of C-000", "C-002": ""})
    assert answer.status_code == 302
    second = client.get(url, {"page": 2}).content.decode()
    assert "Not picked, a reason is needed for each: C-002." in second
    _pick(client, frozen, second, {"C-055": "Opened by Microsoft staff"}, page="2")
    again = client.get(url).content.decode()  # page 1 still shows its pick, ticked
    assert "(2)" in again and "C-001: Duplicate of C-000" in again
    assert "C-055: Opened by Microsoft staff" in again
    # Unticking on page 1 unpicks C-001 and keeps page 2's pick.
    _pick(client, frozen, again, {})
    html = client.get(reverse("audit-page", args=[frozen.pk])).content.decode()
    assert "C-055, Opened by Microsoft staff" in html and "C-001, Duplicate" not in html


def test_a_pick_that_is_not_a_frozen_case_is_refused(client, auditor, frozen):
    client.force_login(auditor)
    page_html = client.get(reverse("audit-cases", args=[frozen.pk])).content.decode()
    tampered = page_html.replace('value="C-003"', 'value="EA-1"')
    response = _pick(client, frozen, tampered, {"EA-1": "Not CSP"})
    follow = client.get(response.url).content.decode()
    assert "Not among the frozen cases: EA-1." in follow
    assert "EA-1: Not CSP" not in follow


def test_only_the_assigned_auditor_picks(client, reviewer, frozen):
    client.force_login(reviewer)
    html = client.get(reverse("audit-cases", args=[frozen.pk])).content.decode()
    assert 'name="pick"' not in html
    response = client.post(reverse("audit-cases-pick", args=[frozen.pk]), {"rows": "0"})
    assert response.status_code == 403


def test_the_confirmation_shows_the_figures_and_the_record_keeps_the_picks(
    client, auditor, reviewer, frozen
):
    client.force_login(auditor)
    url = reverse("audit-cases", args=[frozen.pk])
    _pick(client, frozen, client.get(url).content.decode(), {"C-001": "Duplicate of C-000"})
    form = client.get(reverse("audit-page", args=[frozen.pk])).content.decode()
    assert "C-001, Duplicate of C-000</textarea>" in form
    submit = reverse("audit-submit-form", args=[frozen.pk])
    body = {"excluded_cases": "C-001, Duplicate of C-000", "validated_case_volume": ""}
    confirm = client.post(submit, body).content.decode()
    frozen_volume = frozen.frozen_case_volume
    for words in (
        f"{frozen_volume} CSP cases",
        "C-001: Duplicate of C-000",
        f"{frozen_volume - 1} <small>(the frozen volume less the exclusions)</small>",
        f"USD {frozen.frozen_billed_revenue_usd}",
        "at or below 20.00",
        "Outcome if the reviewer confirms it",
    ):
        assert words in confirm, words
    assert client.post(submit, {**body, "confirmed": "1"}).status_code == 302
    frozen.refresh_from_db()
    assert (frozen.validated_case_volume, frozen.volume_adjustment) == (frozen_volume - 1, None)
    assert list(frozen.excluded_cases.values_list("case_id", flat=True)) == ["C-001"]
    assert "Picked for exclusion" not in client.get(url).content.decode()  # submitted: no picks
    client.force_login(reviewer)
    determine = client.get(reverse("audit-page", args=[frozen.pk])).content.decode()
    assert "C-001: Duplicate of C-000" in determine and "Outcome if confirmed" in determine


def test_an_adjustment_needs_its_reason_and_is_kept_on_the_record(client, auditor, frozen):
    client.force_login(auditor)
    submit = reverse("audit-submit-form", args=[frozen.pk])
    body = {"excluded_cases": "", "validated_case_volume": "40"}
    refused = client.post(submit, body)
    assert refused.status_code == 400
    assert "say why (the reason is kept on the record)" in refused.content.decode()
    reason = "20 cases were merged tickets."
    confirm = client.post(submit, {**body, "adjustment_reason": reason}).content.decode()
    adjustment = 40 - frozen.frozen_case_volume
    assert f"adjusted by {adjustment:+d} from the frozen volume less the exclusions" in confirm
    client.post(submit, {**body, "adjustment_reason": reason, "confirmed": "1"})
    frozen.refresh_from_db()
    assert (frozen.validated_case_volume, frozen.volume_adjustment) == (40, adjustment)
    assert frozen.adjustment_reason == reason
    record = client.get(reverse("audit-page", args=[frozen.pk])).content.decode()
    assert reason in record


def test_an_unknown_excluded_id_is_refused_at_submit(client, auditor, frozen):
    client.force_login(auditor)
    submit = reverse("audit-submit-form", args=[frozen.pk])
    body = {"excluded_cases": "NOPE-1, not ours", "confirmed": "1"}
    response = client.post(submit, body)
    assert response.status_code == 400
    assert "NOPE-1" in response.content.decode()
    frozen.refresh_from_db()
    assert frozen.status == "claimed"


def test_the_api_takes_exclusions_and_an_adjustment_with_its_reason(api_client, auditor, frozen):
    api_client.force_authenticate(auditor)
    url = reverse("audit-submit", args=[frozen.pk])
    unknown = api_client.post(
        url, {"excluded_cases": [{"case_id": "NOPE-1", "reason": "x"}]}, format="json"
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "excluded_cases"
    no_reason = api_client.post(url, {"validated_case_volume": 3}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "adjustment_reason"
    done = api_client.post(
        url,
        {
            "excluded_cases": [{"case_id": "C-001", "reason": "Duplicate"}],
            "validated_case_volume": 3,
            "adjustment_reason": "Merged tickets.",
        },
        format="json",
    )
    assert done.status_code == 200
    body = done.json()
    volume = frozen.frozen_case_volume
    assert (body["validated_case_volume"], body["volume_adjustment"]) == (3, 3 - (volume - 1))
    assert body["adjustment_reason"] == "Merged tickets."


def test_the_case_list_with_picks_keeps_its_query_count(
    client, auditor, frozen, django_assert_max_num_queries
):
    client.force_login(auditor)
    url = reverse("audit-cases", args=[frozen.pk])
    _pick(client, frozen, client.get(url).content.decode(), {"C-001": "Duplicate"})
    with django_assert_max_num_queries(14):
        assert "C-001: Duplicate" in client.get(url).content.decode()
