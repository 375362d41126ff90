"""Pure journey rules: steps, validity, carry-over, renewal window, reminders, the hash chain."""

from datetime import date, timedelta

import pytest

from designation import rules

ANNIVERSARY = date(2027, 11, 21)


def window():
    return rules.renewal_window(ANNIVERSARY, days_before=60, days_after=30)


@pytest.mark.parametrize(
    ("state", "withdrawn_from", "step"),
    [
        ("draft", "", 1),
        ("eligibility_review", "", 1),
        ("ineligible", "", 1),
        ("performance", "", 2),
        ("customer_success", "", 3),
        ("capability", "", 4),
        ("enrolled", "", 5),
        ("withdrawn", "customer_success", 3),
        ("withdrawn", "", 1),
    ],
)
def test_journey_step_of_each_state(state, withdrawn_from, step):
    assert rules.journey_step(state, withdrawn_from) == step


def test_add_years_keeps_the_day_and_moves_29_february_to_28():
    assert rules.add_years(date(2026, 11, 21), 1) == date(2027, 11, 21)
    assert rules.add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)


def test_pass_validity_ends_the_day_before_the_anniversary_of_the_pass():
    assert rules.pass_valid_until(date(2026, 11, 21), 2) == date(2028, 11, 20)
    assert rules.pass_valid_until(date(2026, 11, 21), 1) == date(2027, 11, 20)


def test_pass_is_carried_over_only_when_still_valid_on_the_anniversary():
    assert rules.carried_over(ANNIVERSARY, ANNIVERSARY) is True
    assert rules.carried_over(date(2027, 11, 20), ANNIVERSARY) is False
    assert rules.carried_over(None, ANNIVERSARY) is False


def test_renewal_window_opens_60_days_before_and_closes_30_days_after():
    w = window()
    assert w.opens_on == date(2027, 9, 22)
    assert w.closes_on == date(2027, 12, 21)


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (date(2027, 9, 21), "active"),
        (date(2027, 9, 22), "renewal_open"),
        (date(2027, 11, 21), "renewal_open"),
        (date(2027, 11, 22), "grace"),
        (date(2027, 12, 21), "grace"),
        (date(2027, 12, 22), "lapsed"),
    ],
)
def test_designation_state_on_each_boundary_day(day, state):
    assert rules.designation_state_on(window(), day) == state


def test_each_reminder_falls_on_its_one_day():
    due = {}
    day = date(2027, 9, 1)
    while day <= date(2028, 1, 1):
        code = rules.reminder_due(window(), day)
        if code:
            due[code] = day
        day = date.fromordinal(day.toordinal() + 1)
    assert due == {
        "before_60": date(2027, 9, 22),
        "before_30": date(2027, 10, 22),
        "before_7": date(2027, 11, 14),
        "anniversary": date(2027, 11, 21),
        "closing_7": date(2027, 12, 14),
    }


def _chain(n: int):
    events, previous = [], rules.GENESIS_HASH
    for sequence in range(1, n + 1):
        fields = {"sequence": sequence, "transition": f"t{sequence}"}
        digest = rules.event_hash(fields, previous)
        events.append((sequence, fields, previous, digest))
        previous = digest
    return events, previous


def test_an_intact_chain_has_no_problems():
    events, head = _chain(3)
    assert rules.chain_problems(7, events, head) == []


def test_an_edited_event_breaks_the_chain_at_that_event():
    events, head = _chain(3)
    sequence, fields, previous, digest = events[1]
    events[1] = (sequence, {**fields, "transition": "forged"}, previous, digest)
    problems = rules.chain_problems(7, events, head)
    assert [(p.sequence, p.problem) for p in problems] == [(2, "content does not match hash")]


def test_a_removed_event_and_a_removed_last_event_are_noticed():
    events, head = _chain(3)
    middle_removed = [events[0], events[2]]
    assert {p.problem for p in rules.chain_problems(7, middle_removed, head)} == {
        "expected event 2",
        "previous hash does not match",
    }
    assert [p.problem for p in rules.chain_problems(7, events[:2], head)] == [
        "last event missing or replaced"
    ]


def test_performance_window_of_30_days_includes_its_first_day():
    assert rules.performance_window_end(date(2026, 11, 21), 30) == date(2026, 12, 20)
    assert rules.performance_window_end(date(2028, 2, 1), 30) == date(2028, 3, 1)  # leap year
    assert rules.performance_window_end(date(2026, 11, 21), 1) == date(2026, 11, 21)


@pytest.mark.parametrize("today", [date(2026, 11, 21), date(2028, 2, 29), date(2027, 1, 1)])
def test_the_nightly_cutoffs_agree_with_the_state_rule_for_every_anniversary(today):
    cutoffs = rules.state_cutoffs(today, days_before=60, days_after=30)
    for offset in range(-120, 121):
        anniversary = today + timedelta(days=offset)
        if anniversary < cutoffs.lapsed_before:
            by_cutoffs = "lapsed"
        elif anniversary < cutoffs.grace_before:
            by_cutoffs = "grace"
        elif anniversary <= cutoffs.open_through:
            by_cutoffs = "renewal_open"
        else:
            by_cutoffs = "active"
        window = rules.renewal_window(anniversary, days_before=60, days_after=30)
        assert by_cutoffs == rules.designation_state_on(window, today), anniversary
