"""The organisation's appeals as the dashboard lists them: what was appealed, when, and its
outcome in words (waiting with the day a decision is due, or upheld or overturned with the
reviewer's reason). Read with the dashboard's enrollment (journey/selectors.py)."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from assessments import rules as audit_rules
from assessments.models import Appeal, AuditRecord


@dataclass(frozen=True)
class AppealRow:
    """One appeal on the dashboard."""

    appeal: Appeal
    title: str
    filed_on: date
    outcome: str
    decision_due_on: date | None
    decided_on: date | None
    reason: str

    @property
    def pending(self) -> bool:
        return self.appeal.status == Appeal.Status.OPEN


def _title(appeal: Appeal) -> str:
    if appeal.subject == Appeal.Subject.ASSESSMENT and getattr(appeal, "audit_kind", None):
        return f"Appeal of the failed {AuditRecord.Kind(appeal.audit_kind).label.lower()}"
    return f"Appeal of the {appeal.get_subject_display().lower()}"


def appeal_rows(appeals: list[Appeal]) -> list[AppealRow]:
    """The rows, in the order given (newest first)."""
    rows = []
    for appeal in appeals:
        filed_on = timezone.localdate(appeal.filed_at)
        decided = appeal.status != Appeal.Status.OPEN
        rows.append(
            AppealRow(
                appeal=appeal,
                title=_title(appeal),
                filed_on=filed_on,
                outcome=appeal.get_status_display(),
                decision_due_on=None if decided else audit_rules.appeal_decision_due_on(filed_on),
                decided_on=timezone.localdate(appeal.decided_at)
                if decided and appeal.decided_at
                else None,
                reason=appeal.reason if decided else "",
            )
        )
    return rows
