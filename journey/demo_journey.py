"""Demo enrollments at every step, made through the same services people use (so their events,
audits, fees and grants are real). Runs after the metrics demo data; idempotent: an
organisation that already has an enrollment is left alone."""

import io
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import rules as audit_rules
from assessments import services as audit_services
from assessments.models import AuditRecord
from designation.models import Enrollment, Organization
from journey import renewal, services
from journey.demo import DEMO_ORGS, DemoOrg
from metrics import selectors as metrics_selectors
from metrics import services as metrics_services

# The order of the steps an organisation is walked through; each demo stops at its own.
STEPS = ("eligibility_review", "performance", "customer_success", "capability", "enrolled")
# Monthly CSP cases and billed revenue for the journey organisations (TTM rates below 20.00).
DEMO_VOLUMES = {
    "1000011": (4, 160_000),
    "1000012": (2, 150_000),
    "1000013": (3, 200_000),
    "1000014": (2, 180_000),
    "1000015": (1, 120_000),
    "1000004": (2, 200_000),
}
FORM = {
    "solution_areas": ["modern_work"],
    "csp_type": "direct_bill",
    "support_plan": "psfp",
    "attested": True,
}


def seed_journey(today: date) -> list[str]:
    """Walk each journey demo organisation to its step; say what was done."""
    reviewer = User.objects.get(username="reviewer")
    auditor = User.objects.get(username="auditor")
    done = []
    for spec in (s for s in DEMO_ORGS if s.journey):
        organization = Organization.objects.get(partner_id=spec.partner_id)
        if Enrollment.objects.filter(organization=organization).exists():
            continue
        admin = User.objects.get(username=spec.username)
        on = today - timedelta(days=335) if spec.journey == "renewal_open" else today
        _load_case_data(organization, admin, today)
        _walk(spec, organization, admin=admin, reviewer=reviewer, auditor=auditor, on=on)
        done.append(f"{organization.legal_name}: {spec.journey}")
    if any(s.journey == "renewal_open" for s in DEMO_ORGS):
        renewal.refresh_designations(today=today)
    return done


def _load_case_data(organization: Organization, admin: User, today: date) -> None:
    """Import 24 months of cases and revenue as the partner admin would (skipped when the
    metrics demo already loaded revenue for the organisation)."""
    if metrics_selectors.case_rate_for(organization.pk, today).billed_revenue_usd > 0:
        return
    cases_per_month, revenue = DEMO_VOLUMES[organization.partner_id]
    first = today.replace(day=1) - relativedelta(months=24)
    cases, lines = ["case_id,opened_on,program"], ["billing_month,source,amount_usd"]
    for offset in range(24):
        month = first + relativedelta(months=offset)
        lines.append(f"{month:%Y-%m},CSP,{revenue * 0.7:.2f}")
        lines.append(f"{month:%Y-%m},ACR,{revenue * 0.3:.2f}")
        cases += [
            f"J-{month:%Y%m}-{n},{month + timedelta(days=3 * n)},CSP"
            for n in range(1, 1 + cases_per_month)
        ]
    for kind, rows in (("cases", cases), ("revenue", lines)):
        content = ("\n".join(rows) + "\n").encode()
        metrics_services.import_file(
            organization=organization,
            kind=kind,
            fileobj=io.BytesIO(content),
            file_name=f"{kind}.csv",
            size=len(content),
            by=admin,
            today=today,
        )


def _walk(spec: DemoOrg, organization, *, admin, reviewer, auditor, on: date) -> None:
    stop = "enrolled" if spec.journey == "renewal_open" else spec.journey
    reached = STEPS[: STEPS.index(stop) + 1]
    form = {**FORM, "contact_name": f"{spec.legal_name} support desk", "contact_email": admin.email}
    enrollment = services.enrollment_create(
        organization_id=organization.pk, by=admin, on=on, form=form
    )
    services.enrollment_submit(enrollment_id=enrollment.pk, by=admin, on=on)
    if "performance" not in reached:
        return
    services.enrollment_approve_eligibility(
        enrollment_id=enrollment.pk, by=reviewer, on=on, note="Demo: prerequisites verified."
    )
    services.enrollment_start_performance(enrollment_id=enrollment.pk, by=admin, on=on)
    if "customer_success" not in reached:
        return
    performance = _audit(enrollment, "performance")
    audit_services.audit_claim(audit_id=performance.pk, by=auditor, on=on)
    services.audit_submit(
        audit_id=performance.pk,
        by=auditor,
        on=on,
        data={"validated_case_volume": performance.frozen_case_volume, "excluded_cases": []},
    )
    services.audit_determine(audit_id=performance.pk, by=reviewer, on=on)
    csat = _audit(enrollment, "csat")
    audit_services.audit_claim(audit_id=csat.pk, by=auditor, on=on)
    if "capability" not in reached:
        return
    audit_services.evidence_upload(
        audit_id=csat.pk,
        by=admin,
        upload=SimpleUploadedFile("survey-report.txt", b"Demo evidence: the survey report.\n"),
        component=audit_rules.SUPPORTING_DOCUMENT[0],
    )
    services.audit_submit(
        audit_id=csat.pk, by=auditor, on=on, data={"methodology_ok": True, "score": "4.4"}
    )
    if "enrolled" not in reached:
        return
    capability = _audit(enrollment, "capability")
    audit_services.audit_claim(audit_id=capability.pk, by=auditor, on=on)
    for code, label in audit_rules.CAPABILITY_COMPONENTS:
        audit_services.evidence_upload(
            audit_id=capability.pk,
            by=admin,
            upload=SimpleUploadedFile(f"{code}.txt", f"Demo evidence: {label}.\n".encode()),
            component=code,
        )
    services.audit_submit(
        audit_id=capability.pk,
        by=auditor,
        on=on,
        data={
            "scores": {
                "support_function": 82,
                "support_staff_skills": 76,
                "support_performance_metrics": 71,
            }
        },
    )


def _audit(enrollment: Enrollment, kind: str) -> AuditRecord:
    return AuditRecord.objects.filter(enrollment=enrollment, kind=kind).latest("attempt")
