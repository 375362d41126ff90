"""Stays in each step: the nightly job stores them once; the program dashboard's median days read
the stored stays and work out the newer ones, and answer exactly as the straightforward window
over the whole event log does, before, between and after the nightly runs."""

import csv
import io
import uuid
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.urls import reverse

from designation.models import EnrollmentEvent, ProgramRules
from journey.insights import program
from journey.insights.tables import days
from metrics import tasks
from metrics.models import StepStay
from metrics.stays import median_days_by_step, store_step_stays
from tests.designation import factories

pytestmark = pytest.mark.django_db

STEPS = ["draft", "eligibility_review", "performance", "customer_success", "capability"]

# The straightforward computation the figure used to run: a window over every move of the log.
WINDOW_SQL = """
WITH moves AS (
    SELECT enrollment_id, to_state AS state, at,
           lead(at) OVER (PARTITION BY enrollment_id ORDER BY sequence) AS left_at
    FROM designation_enrollmentevent WHERE from_state <> to_state
)
SELECT state, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - at) / 86400)
FROM moves
WHERE left_at >= %(start)s AND left_at < %(end)s + 1
GROUP BY state
"""

RANGES = [
    (date(2000, 1, 1), date(2099, 12, 31)),
    (date(2026, 3, 1), date(2026, 6, 30)),
    (date(2026, 5, 5), date(2026, 5, 5)),  # one day: a stay ends at its last second
    (date(2026, 9, 1), date(2026, 12, 31)),
]


def _window(start: date, end: date) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(WINDOW_SQL, {"start": start, "end": end})
        return {state: (n, median) for state, n, median in cursor.fetchall()}


def _at(day: str, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, second=second, tzinfo=UTC)


def _log(enrollment, moves: list[tuple[str, str, datetime]]) -> None:
    """Append events (from state, to state, when) to an enrollment's log, in order."""
    rules = ProgramRules.objects.order_by("effective_from").first()
    start = enrollment.events.count()
    for offset, (from_state, to_state, at) in enumerate(moves, start=1):
        EnrollmentEvent.objects.create(
            enrollment=enrollment,
            sequence=start + offset,
            at=at,
            actor_name="system",
            transition="test",
            from_state=from_state,
            to_state=to_state,
            rules_version=rules,
            previous_hash="",
            hash=uuid.uuid4().hex,
        )


@pytest.fixture
def journeys(db):
    """Three enrollments: one through every step, with notes (no move) between; one sent back
    from ineligible to review; one still in its first step."""
    first = factories.enrollment_at("draft")
    _log(
        first,
        [
            ("", "draft", _at("2026-01-03", 9)),
            ("draft", "eligibility_review", _at("2026-01-10", 18, 30)),
            ("eligibility_review", "eligibility_review", _at("2026-01-11")),  # a note
            ("eligibility_review", "performance", _at("2026-02-01", 7)),
            ("performance", "customer_success", _at("2026-05-05", 23, 59, 59)),
            ("customer_success", "customer_success", _at("2026-05-06")),  # a note
            ("customer_success", "capability", _at("2026-06-20")),
            ("capability", "enrolled", _at("2026-09-15", 8)),
        ],
    )
    second = factories.enrollment_at("draft")
    _log(
        second,
        [
            ("", "draft", _at("2026-02-01")),
            ("draft", "eligibility_review", _at("2026-02-02")),
            ("eligibility_review", "ineligible", _at("2026-03-01")),
            ("ineligible", "eligibility_review", _at("2026-03-20")),  # an appeal reopened it
            ("eligibility_review", "performance", _at("2026-04-02", 6, 15)),
        ],
    )
    third = factories.enrollment_at("draft")
    _log(third, [("", "draft", _at("2026-10-01"))])
    return first, second, third


def _agrees(ranges=RANGES) -> None:
    for start, end in ranges:
        expected = {s: v for s, v in _window(start, end).items() if s in STEPS}
        assert median_days_by_step(start=start, end=end, states=STEPS) == expected, (start, end)


def test_nothing_stored_yet_the_figure_works_every_stay_out_from_the_log(journeys):
    assert StepStay.objects.count() == 0
    _agrees()
    assert median_days_by_step(start=date(2000, 1, 1), end=date(2099, 1, 1), states=STEPS)


def test_the_figure_agrees_before_between_and_after_the_nightly_runs(journeys):
    first, _second, third = journeys
    # The log up to the last event recorded before April: the first enrollment's whole log (it
    # was recorded before the second's March events) and the second's up to 20 March.
    result = store_step_stays(as_of=date(2026, 4, 1))
    assert result.ran and result.stored == StepStay.objects.count() == 5 + 3
    _agrees()
    assert store_step_stays(as_of=date(2026, 11, 21)).stored == 1
    assert store_step_stays(as_of=date(2026, 11, 21)).stored == 0  # a rerun adds nothing
    _agrees()
    _log(third, [("draft", "eligibility_review", _at("2026-12-01"))])  # after the last run
    _agrees()
    assert StepStay.objects.count() == 9  # the newest stay is worked out, not stored


def test_a_stay_is_stored_once_with_its_step_and_days(journeys):
    store_step_stays(as_of=date(2027, 1, 1))
    first = journeys[0]
    review = StepStay.objects.get(ended_by__enrollment=first, state="eligibility_review")
    # From 10 Jan 18:30 to 1 Feb 07:00, the note of 11 Jan in between ending nothing.
    assert review.days == pytest.approx(21.520833, abs=1e-6)
    assert review.left_at == _at("2026-02-01", 7)
    assert StepStay.objects.filter(state="ineligible").count() == 1
    assert StepStay.objects.count() == 9  # five and four stays; the third has not left draft


def test_the_nightly_task_stores_the_stays_and_says_how_many(journeys):
    summary = tasks.store_step_stays.delay("2026-04-01").get()
    assert summary == "step stays 2026-04-01: 8 stays stored"


def test_the_program_page_shows_the_same_median_days_as_the_window(journeys, client, reviewer):
    store_step_stays(as_of=date(2026, 4, 1))
    client.force_login(reviewer)
    response = client.get(
        reverse("program-insights-csv", args=["median-days"]),
        {"from": "2026-01-01", "to": "2026-12-31"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    expected = _window(date(2026, 1, 1), date(2026, 12, 31))
    assert rows[0] == ["Step", "Stays ended", "Median days"]
    assert rows[1:] == [
        [program.STEP_LABELS[s], str(expected[s][0]), str(days(expected[s][1]))]
        for s in STEPS
        if s in expected
    ]
    assert len(rows) == 1 + 5
