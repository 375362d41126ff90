"""The enrollment's transition conditions, each a named check that says in words why it failed."""

from collections.abc import Callable


class Condition:
    """A django-fsm condition (called with the enrollment) that can explain a failure.

    `conflict` marks a condition that fails because someone else moved the enrollment: a 409,
    not something the caller can fix (400)."""

    def __init__(
        self,
        name: str,
        test: Callable[[object], bool],
        explain: Callable[[object], str],
        *,
        conflict: bool = False,
    ):
        self.__name__ = name
        self.test = test
        self.explain = explain
        self.conflict = conflict

    def __call__(self, enrollment) -> bool:
        return self.test(enrollment)

    def __repr__(self) -> str:
        return f"<Condition {self.__name__}>"


form_complete = Condition(
    "form_complete",
    lambda e: not e.form_gaps(),
    lambda e: "The pre-enrollment form is incomplete: " + ", ".join(e.form_gaps()) + ".",
)


def _prerequisites_unmet(enrollment) -> str:
    return f"Prerequisites not met on {enrollment.prerequisites_checked_on}: " + "; ".join(
        f"{p.get('title') or p['code'].replace('_', ' ')}: {p['detail']} "
        f"Next action: {p['next_action']}"
        for p in enrollment.prerequisite_snapshot
        if not p["met"]
    )


prerequisites_met = Condition(
    "prerequisites_met",
    lambda e: (
        e.prerequisites_checked_on is not None and all(p["met"] for p in e.prerequisite_snapshot)
    ),
    _prerequisites_unmet,
)

attempt_not_under_way = Condition(
    "attempt_not_under_way",
    lambda e: e.attempt_status in (e.Attempt.NOT_STARTED, e.Attempt.FAILED),
    lambda e: "An assessment attempt for this step is already under way; wait for its outcome.",
    conflict=True,
)

attempt_failed = Condition(
    "attempt_failed",
    lambda e: e.attempt_status == e.Attempt.FAILED,
    lambda e: "A retake is possible only after a failed attempt of this step.",
    conflict=True,
)
