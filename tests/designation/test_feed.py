"""The partner facts feed: one CSV per fact kind, all or nothing, every bad row reported,
idempotent, each change kept; the command, the API and the page for program admins."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designation.feed import run_feed
from designation.models import FactChange, Organization, SupportContract
from tests.designation import factories

pytestmark = pytest.mark.django_db

ACCOUNTS = (
    "partner_id,legal_name,country,in_good_standing,partner_center_registered,tax_billing_on_file\n"
    "1000001,Alpha Ltd,US,true,true,yes\n"
    "1000002,Beta GmbH,DE,false,1,0\n"
)


def feed(kind: str, text: str, by=None):
    data = text.encode()
    return run_feed(kind=kind, fileobj=io.BytesIO(data), size=len(data), by=by)


@pytest.fixture
def program_admin(db):
    return factories.UserFactory(groups=["Program admin"])


def test_accounts_create_partners_and_a_second_import_changes_nothing():
    first = feed("accounts", ACCOUNTS)
    assert (first.ok, first.created, first.updated) == (True, 2, 0)
    beta = Organization.objects.get(partner_id="1000002")
    assert (beta.legal_name, beta.country, beta.partner_center_registered) == (
        "Beta GmbH",
        "DE",
        True,
    )
    assert beta.facts_source == "feed" and beta.facts_confirmed_at is not None
    again = feed("accounts", ACCOUNTS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert FactChange.objects.filter(action="added").count() == 2
    assert FactChange.objects.count() == 2


def test_a_rename_from_the_feed_is_kept_with_before_and_after(org):
    text = (
        "partner_id,legal_name,country,in_good_standing,partner_center_registered,"
        f"tax_billing_on_file\n{org.partner_id},Microsoft Corporation,US,true,true,true\n"
    )
    old = org.legal_name
    outcome = feed("accounts", text)
    assert outcome.updated == 1
    change = FactChange.objects.get(organization=org)
    assert (change.before["legal_name"], change.after["legal_name"]) == (
        old,
        "Microsoft Corporation",
    )
    assert (change.source, change.by) == ("feed", None)


def test_every_bad_row_is_reported_and_nothing_changes(org):
    text = (
        "partner_id,legal_name,country,in_good_standing,partner_center_registered,"
        "tax_billing_on_file\n"
        f"{org.partner_id},Renamed,US,true,true,true\n"
        "12,X,us,maybe,true,true\n"
        "1000003,,DE,true,true,true\n"
        "1000004,Dup,DE,true,true,true\n"
        "1000004,Dup,DE,true,true,true\n"
    )
    outcome = feed("accounts", text)
    assert not outcome.ok
    assert [(e["row"], e["column"]) for e in outcome.errors] == [
        (3, "partner_id"),
        (3, "country"),
        (3, "in_good_standing"),
        (4, "legal_name"),
        (6, "partner_id"),
    ]
    assert "already on row 5" in outcome.errors[-1]["message"]
    org.refresh_from_db()
    assert org.legal_name != "Renamed"
    assert not FactChange.objects.exists()


def test_a_fact_file_is_the_whole_truth_for_the_partners_it_names(org, other_org):
    header = "partner_id,plan,starts_on,ends_on\n"
    kept = other_org.support_contracts.get()
    text = header + (
        f"{org.partner_id},psfp,2025-11-21,2030-01-01\n"  # not on record: added
        f"{org.partner_id},asfp,2026-01-01,2027-01-01\n"
    )
    outcome = feed("support_contracts", text)
    # the factory's contract (psfp from 2025-11-21) matches the first row by plan and start
    assert (outcome.created, outcome.updated, outcome.removed) == (1, 1, 0)
    outcome = feed("support_contracts", header + f"{org.partner_id},asfp,2026-01-01,2027-01-01\n")
    assert (outcome.created, outcome.updated, outcome.removed, outcome.unchanged) == (0, 0, 1, 1)
    assert list(org.support_contracts.values_list("plan", flat=True)) == ["asfp"]
    assert SupportContract.objects.filter(pk=kept.pk).exists()  # not named: untouched
    actions = sorted(FactChange.objects.filter(organization=org).values_list("action", flat=True))
    assert actions == ["added", "changed", "removed"]
    contract = org.support_contracts.get()
    assert (contract.source, contract.confirmed_at is not None) == ("feed", True)


@pytest.mark.parametrize(
    ("kind", "row", "column", "message"),
    [
        ("support_contracts", "{p},gold,2026-01-01,2027-01-01", "plan", "One of: asfp"),
        ("support_contracts", "{p},psfp,2026-02-30,2027-01-01", "starts_on", "YYYY-MM-DD"),
        ("support_contracts", "{p},psfp,2026-02-01,2026-01-01", "ends_on", "cannot end"),
        ("support_contracts", "99999,psfp,2026-01-01,2027-01-01", "partner_id", "accounts.csv"),
        ("csp", "{p},direct_bill,2026-01-01,2025-01-01", "ended_on", "before the enrollment"),
        (
            "solutions_partner",
            "{p},security,2026-01-01,2027-01-01,101,,",
            "performance_points",
            "0 to 100",
        ),
        (
            "solutions_partner",
            "{p},security,2026-01-01,2027-01-01,-1,,",
            "performance_points",
            "0 to 100",
        ),
        ("solutions_partner", "{p},security,2026-01-01,2025-01-01,,,", "anniversary_on", "after"),
    ],
)
def test_each_rule_names_the_row_and_column(org, kind, row, column, message):
    headers = {
        "support_contracts": "partner_id,plan,starts_on,ends_on",
        "csp": "partner_id,kind,enrolled_on,ended_on",
        "solutions_partner": "partner_id,area,attained_on,anniversary_on,performance_points,"
        "skilling_points,customer_success_points",
    }
    outcome = feed(kind, headers[kind] + "\n" + row.format(p=org.partner_id) + "\n")
    assert not outcome.ok
    assert (outcome.errors[0]["row"], outcome.errors[0]["column"]) == (2, column)
    assert message in outcome.errors[0]["message"]


def test_a_wrong_header_is_refused_before_anything_is_read():
    outcome = feed("csp", "partner_id,kind,colour\n1,2,3\n")
    assert not outcome.ok
    columns = {e["column"] for e in outcome.errors}
    assert columns == {"colour", "enrolled_on"}


def test_the_import_runs_the_same_queries_for_ten_partners_or_three_hundred():
    def counted(n: int) -> int:
        rows = "".join(f"{2000000 + i},P{i},US,true,true,true\n" for i in range(n))
        with CaptureQueriesContext(connection) as queries:
            assert feed("accounts", ACCOUNTS.splitlines()[0] + "\n" + rows).ok
        return len(queries)

    assert counted(10) == counted(300)


def test_the_command_loads_a_file_and_reports_bad_rows(tmp_path, capsys):
    good = tmp_path / "accounts.csv"
    good.write_text(ACCOUNTS)
    call_command("import_partner_facts", str(good))
    assert "2 new" in capsys.readouterr().out
    bad = tmp_path / "2026-11-accounts.csv"
    bad.write_text(ACCOUNTS.replace("Alpha Ltd", ""))
    with pytest.raises(CommandError, match="row 2, legal_name: A value is required"):
        call_command("import_partner_facts", str(bad))
    with pytest.raises(CommandError, match="--kind"):
        call_command("import_partner_facts", str(tmp_path / "facts.csv"))


def _upload(name: str = "accounts.csv", text: str = ACCOUNTS):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_api_is_for_program_admins_only(client, program_admin, reviewer, partner_admin):
    url = reverse("api-partner-facts-import")
    for user in (reviewer, partner_admin):
        client.force_login(user)
        assert client.post(url, {"file": _upload()}).status_code == 403
    assert not Organization.objects.filter(partner_id="1000001").exists()
    client.force_login(program_admin)
    answer = client.post(url, {"file": _upload()})
    assert answer.status_code == 200
    assert answer.json() == {
        "kind": "accounts",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "removed": 0,
        "unchanged": 0,
    }
    assert FactChange.objects.filter(by=program_admin).count() == 2
    refused = client.post(url, {"file": _upload("x.csv", "partner_id,plan\n1,2\n"), "kind": "csp"})
    assert refused.status_code == 400
    assert refused.json()["error_count"] >= 1


def test_the_page_imports_for_program_admins(client, program_admin, reviewer):
    url = reverse("partner-facts-import")
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(program_admin)
    assert "accounts.csv" in client.get(url).content.decode()
    done = client.post(url, {"file": _upload(), "kind": ""})
    assert "2 rows imported: 2 new" in done.content.decode()
    bad = client.post(url, {"file": _upload(text=ACCOUNTS.replace("US", "usa")), "kind": ""})
    assert bad.status_code == 400
    assert "two-letter ISO country code" in bad.content.decode()
