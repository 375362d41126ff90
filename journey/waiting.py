"""Who acts next on an enrollment, and by when, in the words of the person looking.

The dashboard's required actions list what the *partner* must do; while an enrollment waits on
someone else (a reviewer's eligibility decision, an ISSI audit, the final case rate) they said
"Nothing to do right now", even to the reviewer who must decide. These rules add what the
journey waits on, phrased for the viewer's role, and drop deadlines that are already behind the
day shown (a renewal window that closed in 2027 is not "upcoming" in 2030)."""

from dataclasses import replace
from datetime import date

from journey.rules import RequiredAction
from portal.roles import roles_of

PARTNER, REVIEWER, AUDITOR = "partner", "reviewer", "auditor"
PAST_RENEWAL_TITLES = ("Renewal window opens", "Renew by the anniversary", "Renewal window closes")


def viewer_role(viewer) -> str:
    """The viewer's side of the journey (from the one role lookup per request)."""
    found = roles_of(viewer)
    if found is not None and found.reviewer:
        return REVIEWER
    if found is not None and found.auditor:
        return AUDITOR
    return PARTNER


def _eligibility(enrollment, role: str) -> RequiredAction:
    submitted = enrollment.submitted_on.isoformat() if enrollment.submitted_on else "—"
    if role == REVIEWER:
        return RequiredAction(
            title="Decide eligibility",
            detail=f"Submitted on {submitted}: approve it, or reject it with a reason the "
            "partner reads.",
            link="enrollment",
        )
    return RequiredAction(
        title="Waiting for Microsoft's eligibility review",
        detail=f"Submitted on {submitted}. A Microsoft reviewer approves or rejects it; "
        "nothing for you to do until then.",
        link="enrollment",
    )


def _audit(row, role: str, viewer_id: int) -> RequiredAction | None:
    audit = row.audit
    kind = audit.get_kind_display()
    if audit.status == "submitted" and audit.kind == "performance":
        if role == REVIEWER:
            return RequiredAction(
                title="Determine the final case rate",
                detail="ISSI validated the case volume: confirm the rate or override it.",
                link="assessments",
            )
        return RequiredAction(
            title="Waiting for Microsoft to determine the final case rate",
            detail="ISSI validated the case volume; a Microsoft reviewer decides next.",
            link="assessments",
        )
    if audit.status not in ("unassigned", "claimed"):
        return None
    if role == AUDITOR and audit.auditor_id == viewer_id:
        return RequiredAction(
            title=f"Submit the {kind.lower()}",
            detail="You claimed this audit.",
            due_on=row.due_on,
            link="assessments",
        )
    who = "in the ISSI queue" if audit.status == "unassigned" else "claimed by an ISSI auditor"
    return RequiredAction(
        title=f"ISSI audits the {kind.lower()}",
        detail=f"The audit is {who}; ISSI submits its result by this day.",
        due_on=row.due_on,
        link="assessments",
    )


def with_who_acts(actions: list, *, enrollment, rows, role: str, viewer_id: int, on: date) -> list:
    """The required actions, plus what the journey waits on for this viewer, past deadlines
    of the renewal window dropped; soonest first, then those without a day."""
    kept = [
        a for a in actions if not (a.title in PAST_RENEWAL_TITLES and a.due_on and a.due_on < on)
    ]
    waiting = []
    if enrollment is not None and enrollment.state == "eligibility_review":
        waiting.append(_eligibility(enrollment, role))
    for row in rows:
        action = _audit(row, role, viewer_id)
        if action is not None:
            waiting.append(action)
    if role != PARTNER:  # staff read the partner's own to-dos as the partner's
        kept = [replace(a, title=f"Partner: {a.title}") for a in kept]
    return sorted(kept + waiting, key=lambda a: (a.due_on is None, a.due_on or on, a.title))
