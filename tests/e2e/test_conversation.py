"""The audit conversation in real Chromium: the auditor requests changes, the partner uploads a
second revision and replies, the auditor passes; a failed capability appeal is overturned by a
second reviewer. Each notification arrives once in-app and once by email (locmem outbox)."""

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from assessments.models import AuditRecord, EvidenceFile
from designation.models import Membership, Notification, Organization
from journey import services
from tests.assessments.factories import PDF_BYTES, claimed_capability_audit
from tests.designation import factories
from tests.e2e.conftest import sign_in, sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "designation-demo"
FAILING = {"support_function": 40, "support_staff_skills": 75, "support_performance_metrics": 70}


def once(user, kind: str, words: str) -> None:
    """Exactly one notification of `kind` in-app, and exactly one email about it."""
    assert Notification.objects.filter(recipient=user, kind=kind).count() == 1, kind
    emails = [m for m in mail.outbox if m.to == [user.email] and words in m.subject]
    assert len(emails) == 1, (kind, [m.subject for m in mail.outbox if m.to == [user.email]])


def person(browser, base: str, username: str, *, staff: bool):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    (sign_in_staff if staff else sign_in)(page, base, username, PASSWORD)
    return page


def test_changes_round_and_an_overturned_appeal(browser, live_server, demo, tmp_path):
    base = live_server.url
    contoso = Organization.objects.get(legal_name="Contoso Support")
    partner = Membership.objects.get(organization=contoso, role="admin").user
    auditor_user = factories.UserFactory(username="auditor2", groups=["ISSI auditor"])
    auditor_user.set_password(PASSWORD)
    auditor_user.save()
    TOTPDevice.objects.create(user=auditor_user, name="authenticator", confirmed=True)
    audit = claimed_capability_audit(organization=contoso, auditor=auditor_user)
    evidence = tmp_path / "export.pdf"
    evidence.write_bytes(PDF_BYTES)

    # 1. The auditor requests changes on one component.
    auditor = person(browser, base, "auditor2", staff=True)
    auditor.goto(f"{base}/audits/{audit.pk}/")
    form = auditor.locator("form", has=auditor.get_by_role("button", name="Request changes"))
    form.get_by_label("Concerning").select_option("case_management")
    form.get_by_label("What is missing or needs changing").fill("The tracking export is missing.")
    form.get_by_role("button", name="Request changes").click()
    expect(auditor.get_by_text("Changes requested: the partner is told.")).to_be_visible()
    once(partner, "changes_requested", "requests changes")

    # 2. The partner sees it under the bell, uploads a second revision and replies.
    page = person(browser, base, "contoso", staff=False)
    expect(page.locator(".bell")).to_contain_text("1")
    page.goto(f"{base}/notifications/")
    page.get_by_role("button", name="ISSI requests changes to your capability assessment").click()
    page.wait_for_url(f"**/audits/{audit.pk}/")
    answer = page.locator("form", has=page.get_by_role("button", name="Answer this request"))
    answer.get_by_label("Your reply").fill("Attached the October export.")
    answer.get_by_label("New evidence (optional)").set_input_files(str(evidence))
    answer.get_by_role("button", name="Answer this request").click()
    expect(page.get_by_text("Answered: the auditor is told.")).to_be_visible()
    once(auditor_user, "changes_answered", "answered your requested changes")
    revisions = EvidenceFile.objects.filter(audit=audit, component="case_management")
    assert sorted(revisions.values_list("revision", flat=True)) == [1, 2]

    # 3. The auditor passes.
    auditor.goto(f"{base}/audits/{audit.pk}/")
    for name, score in (
        ("support_function", "80"),
        ("support_staff_skills", "75"),
        ("support_performance_metrics", "70"),
    ):
        auditor.locator(f"#id_{name}").fill(score)
    auditor.get_by_role("button", name="Submit", exact=True).click()
    auditor.get_by_role("button", name="Confirm and submit").click()  # the confirmation page
    expect(auditor.get_by_text("Submitted. A submitted audit is never edited.")).to_be_visible()
    once(partner, "audit_decided", "capability assessment passed")

    # 4. Another partner's failed capability, appealed and overturned by a second reviewer.
    other = factories.EligibleOrganizationFactory(legal_name="Northwind Support")
    fabrikam = factories.UserFactory(username="fabrikam-e2e")
    fabrikam.set_password(PASSWORD)
    fabrikam.save()
    Membership.objects.create(user=fabrikam, organization=other, role="admin")
    failed = claimed_capability_audit(organization=other, auditor=auditor_user)
    services.audit_submit(
        audit_id=failed.pk, by=auditor_user, on=failed.assigned_on, data={"scores": FAILING}
    )
    second = factories.UserFactory(username="reviewer2", groups=["Microsoft reviewer"])
    second.set_password(PASSWORD)
    second.save()
    TOTPDevice.objects.create(user=second, name="authenticator", confirmed=True)

    appellant = person(browser, base, "fabrikam-e2e", staff=False)
    appellant.goto(f"{base}/audits/{failed.pk}/")
    appellant.get_by_label("Why the decision should change").fill("Our QA file was missed.")
    appellant.get_by_role("button", name="Appeal this decision").click()
    expect(
        appellant.get_by_text("Appeal filed: a Microsoft reviewer will decide it.")
    ).to_be_visible()
    once(second, "appeal_filed", "appealed the failed assessment")

    reviewer = person(browser, base, "reviewer2", staff=True)
    reviewer.goto(f"{base}/queues/")
    reviewer.get_by_role("link", name="Northwind Support").last.click()
    reviewer.get_by_label("Overturn").check()
    reviewer.get_by_label("Reason").fill("The QA file was in the evidence.")
    reviewer.get_by_role("button", name="Decide").click()
    expect(reviewer.get_by_text("Appeal decided: the partner is told.")).to_be_visible()
    once(fabrikam, "appeal_decided", "was overturned")
    assert AuditRecord.objects.get(supersedes=failed).verdict == "pass"
    assert failed.enrollment.__class__.objects.get(pk=failed.enrollment_id).state == "enrolled"
