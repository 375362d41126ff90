"""seed_demo leaves each journey organisation at the step the README names."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from assessments.models import AuditRecord
from designation.models import Designation, Enrollment, EnrollmentEvent, Membership
from designation.selectors import verify_event_chain

pytestmark = pytest.mark.django_db


def test_demo_organisations_sit_at_their_steps(capsys):
    call_command("seed_demo")
    today = date.today()
    output = capsys.readouterr().out
    for name in ("fabrikam", "northwind", "wingtip", "proseware", "tailspin", "woodgrove"):
        assert f"  {name} " in output

    def current(legal_name):
        return Enrollment.objects.filter(organization__legal_name=legal_name).latest("created_at")

    assert current("Fabrikam").state == "eligibility_review"
    northwind = current("Northwind Traders")
    assert (northwind.state, northwind.attempt_status) == ("performance", "in_progress")
    performance = northwind.audits.get()
    assert performance.status == "unassigned" and performance.frozen_case_rate is not None
    wingtip = current("Wingtip Toys")
    csat = wingtip.audits.get(kind="csat")
    assert (wingtip.state, csat.status, csat.auditor.username) == (
        "customer_success",
        "claimed",
        "auditor",
    )
    proseware = current("Proseware")
    assert proseware.state == "capability"
    assert proseware.audits.get(kind="capability").status == "unassigned"
    tailspin = Designation.objects.get(organization__legal_name="Tailspin Toys")
    assert (tailspin.state, tailspin.attained_on) == ("active", today)
    woodgrove = Designation.objects.get(organization__legal_name="Woodgrove Bank")
    assert woodgrove.state == "renewal_open"
    renewal = current("Woodgrove Bank")
    assert (renewal.kind, renewal.state, renewal.capability_carried_over) == (
        "renewal",
        "draft",
        True,
    )
    assert AuditRecord.objects.filter(status="determined").count() == 4
    assert EnrollmentEvent.objects.count() > 20
    assert verify_event_chain() == []


def test_every_journey_page_renders_on_the_demo_data(client):
    call_command("seed_demo")
    for username in ("fabrikam", "northwind", "wingtip", "proseware", "tailspin", "woodgrove"):
        client.force_login(User.objects.get(username=username))
        org = Membership.objects.get(user__username=username).organization
        enrollment = Enrollment.objects.filter(organization=org).latest("created_at")
        for url in (
            reverse("enrollment-home", args=[org.pk]),
            reverse("enrollment-page", args=[enrollment.pk]),
            reverse("organization-assessments", args=[org.pk]),
            reverse("badge", args=[org.pk]),
            *(reverse("audit-page", args=[a.pk]) for a in enrollment.audits.all()),
        ):
            response = client.get(url, follow=True)
            assert response.status_code == 200, (username, url)
    client.force_login(User.objects.get(username="reviewer"))
    html = client.get(reverse("review-queues")).content.decode()
    assert "Fabrikam" in html
    client.force_login(User.objects.get(username="auditor"))
    html = client.get(reverse("audit-index")).content.decode()
    assert "Wingtip Toys" in html and "Northwind Traders" in html and "Proseware" in html
    tailspin = Designation.objects.get(organization__legal_name="Tailspin Toys")
    client.logout()
    html = client.get(reverse("verify-page", args=[tailspin.credential_id])).content.decode()
    assert "Tailspin Toys" in html and "Status: active" in html
