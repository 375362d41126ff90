"""Pure helpers behind the dashboards: the five-step progress and required actions with
deadlines (audit due dates are assessments/rules.py's). Values and a day in, values out; no
Django, no clock (STYLE.md)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from designation.rules import JOURNEY_STEPS, RenewalWindow

# The step an enrollment has completed when it enters each state.
_STEPS_DONE_ON_ENTERING = {
    "performance": (1,),
    "customer_success": (2,),
    "capability": (3,),
    "enrolled": (4, 5),
}


@dataclass(frozen=True)
class StepProgress:
    """One of the five steps as the progress bar shows it."""

    number: int
    title: str
    status: str  # "done", "current" or "todo"
    done_on: date | None = None
    carried_over: bool = False

    @property
    def status_label(self) -> str:
        return {"done": "Done", "current": "Current", "todo": "To come"}[self.status]


def step_done_dates(moves: Iterable[tuple[str, date]]) -> dict[int, date]:
    """The day each step was completed, from the enrollment's moves (to_state, day), oldest first.

    A later move into the same state (it cannot happen today, but a log may be replayed) keeps the
    first day."""
    done: dict[int, date] = {}
    for to_state, day in moves:
        for step in _STEPS_DONE_ON_ENTERING.get(to_state, ()):
            done.setdefault(step, day)
    return done


def step_progress(
    current_step: int,
    *,
    finished: bool,
    done_on: dict[int, date],
    carried_over: Iterable[int] = (),
) -> list[StepProgress]:
    """Done / current / to come for each of the five steps, with the day each was done."""
    carried = set(carried_over)
    steps = []
    for number, title in JOURNEY_STEPS:
        if finished or number < current_step:
            status = "done"
        elif number == current_step:
            status = "current"
        else:
            status = "todo"
        steps.append(
            StepProgress(
                number=number,
                title=title,
                status=status,
                done_on=done_on.get(number) if status == "done" else None,
                carried_over=number in carried,
            )
        )
    return steps


@dataclass(frozen=True)
class RequiredAction:
    """Something to do, by a day when there is one; `link` names the page that does it."""

    title: str
    detail: str
    due_on: date | None = None
    link: str = ""
    severity: str = "warning"  # "warning" or "danger"

    def days_left(self, today: date) -> int | None:
        return None if self.due_on is None else (self.due_on - today).days


@dataclass(frozen=True)
class MissingEvidence:
    """An open audit that still lacks evidence for some components."""

    audit_label: str
    components: tuple[str, ...]
    due_on: date


def required_actions(
    *,
    today: date,
    unmet_prerequisites: Iterable[tuple[str, str]] = (),
    performance_window_ends_on: date | None = None,
    missing_evidence: Iterable[MissingEvidence] = (),
    renewal: RenewalWindow | None = None,
    support_plan_ends_on: date | None = None,
    support_plan_warning_days: int = 60,
    next_step: str = "",
    changes_requested: Iterable[tuple[str, date]] = (),
) -> list[RequiredAction]:
    """Every action the partner should take, deadlines soonest first, then those without one.

    unmet_prerequisites: (title, next action) of each prerequisite not met;
    performance_window_ends_on: only while a performance attempt is under way;
    renewal: the designation's renewal window while it is not lapsed;
    support_plan_ends_on: the last day the accepted support plans cover without a gap;
    next_step: a journey action the partner may take now (e.g. "Start the performance
    assessment"), without a deadline."""
    actions = [
        RequiredAction(
            title=title, detail=f"Next action: {action}", link="settings", severity="danger"
        )
        for title, action in unmet_prerequisites
    ]
    if next_step:
        actions.append(RequiredAction(title=next_step, detail="", link="enrollment"))
    if performance_window_ends_on is not None:
        actions.append(
            RequiredAction(
                title="Performance window ends",
                detail="ISSI validates your CSP case volume in this window; keep your case and "
                "revenue data current.",
                due_on=performance_window_ends_on,
                link="enrollment",
            )
        )
    for missing in missing_evidence:
        actions.append(
            RequiredAction(
                title=f"Upload evidence for the {missing.audit_label.lower()}",
                detail="Still missing: " + "; ".join(missing.components) + ".",
                due_on=missing.due_on,
                link="assessments",
            )
        )
    actions += _renewal_actions(renewal, today)
    if support_plan_ends_on is not None:
        days = (support_plan_ends_on - today).days
        if 0 <= days <= support_plan_warning_days:
            actions.append(
                RequiredAction(
                    title="Support plan ends",
                    detail="Renew or extend your support plan: the designation needs one "
                    "without a gap.",
                    due_on=support_plan_ends_on,
                    link="settings",
                )
            )
    ordered = sorted(actions, key=lambda a: (a.due_on is None, a.due_on or today, a.title))
    return _changes_actions(changes_requested, today) + ordered


def _changes_actions(requested: Iterable[tuple[str, date]], today: date) -> list[RequiredAction]:
    """Changes ISSI requested come first: the audit waits for the partner's answer (changes
    requested: (audit label, the earliest open deadline))."""
    return [
        RequiredAction(
            title=f"Answer the changes ISSI requested on the {label.lower()}",
            detail="The audit is paused until you answer: reply to each request and upload "
            "the new evidence."
            + (
                " The deadline has passed: ISSI may decide on what is there." if due < today else ""
            ),
            due_on=due,
            link="assessments",
            severity="danger",
        )
        for label, due in sorted(requested, key=lambda item: item[1])
    ]


def _renewal_actions(window: RenewalWindow | None, today: date) -> list[RequiredAction]:
    if window is None:
        return []
    if today < window.opens_on:
        return [
            RequiredAction(
                title="Renewal window opens",
                detail=f"Renew between {window.opens_on.isoformat()} and "
                f"{window.closes_on.isoformat()}; the anniversary is "
                f"{window.anniversary_on.isoformat()}.",
                due_on=window.opens_on,
                link="badge",
            )
        ]
    if today <= window.anniversary_on:
        return [
            RequiredAction(
                title="Renew by the anniversary",
                detail=f"The renewal window is open until {window.closes_on.isoformat()}.",
                due_on=window.anniversary_on,
                link="enrollment",
            )
        ]
    return [
        RequiredAction(
            title="Renewal window closes",
            detail="The anniversary has passed: without a renewal the designation lapses "
            "and the badge is withdrawn.",
            due_on=window.closes_on,
            link="enrollment",
            severity="danger",
        )
    ]
