"""The dashboard's pure helpers and the trend chart's geometry: no database."""

from datetime import date
from decimal import Decimal

from assessments.rules import audit_due_on
from designation.rules import SupportContractFact, covered_until, renewal_window
from journey import charts
from journey.rules import (
    MissingEvidence,
    required_actions,
    step_done_dates,
    step_progress,
)

TODAY = date(2026, 11, 21)


def test_step_done_dates_come_from_the_moves_into_each_state():
    moves = [
        ("eligibility_review", date(2026, 1, 2)),
        ("performance", date(2026, 1, 5)),
        ("performance", date(2026, 1, 9)),  # a start of the window: step 1 keeps its first day
        ("customer_success", date(2026, 2, 1)),
        ("capability", date(2026, 3, 1)),
        ("enrolled", date(2026, 4, 1)),
    ]
    assert step_done_dates(moves) == {
        1: date(2026, 1, 5),
        2: date(2026, 2, 1),
        3: date(2026, 3, 1),
        4: date(2026, 4, 1),
        5: date(2026, 4, 1),
    }


def test_step_progress_marks_done_current_and_to_come():
    steps = step_progress(3, finished=False, done_on={1: date(2026, 1, 5), 2: date(2026, 2, 1)})
    assert [s.status for s in steps] == ["done", "done", "current", "todo", "todo"]
    assert [s.done_on for s in steps[:3]] == [date(2026, 1, 5), date(2026, 2, 1), None]
    assert steps[2].status_label == "Current" and steps[4].status_label == "To come"


def test_step_progress_when_enrolled_is_all_done_and_says_what_was_carried_over():
    steps = step_progress(5, finished=True, done_on={}, carried_over=[3])
    assert all(s.status == "done" for s in steps)
    assert [s.carried_over for s in steps] == [False, False, True, False, False]


def test_performance_audit_is_due_when_the_window_closes_others_thirty_days_after_claiming():
    window_end = date(2026, 12, 20)
    assert (
        audit_due_on(
            "performance",
            queued_on=TODAY,
            assigned_on=None,
            performance_window_ends_on=window_end,
        )
        == window_end
    )
    assert audit_due_on(
        "csat", queued_on=TODAY, assigned_on=date(2026, 11, 25), performance_window_ends_on=None
    ) == date(2026, 12, 25)
    assert audit_due_on(
        "capability", queued_on=TODAY, assigned_on=None, performance_window_ends_on=None
    ) == date(2026, 12, 21)


def test_required_actions_are_soonest_first_then_those_without_a_deadline():
    actions = required_actions(
        today=TODAY,
        unmet_prerequisites=[("Partner support plan", "Subscribe to a support plan.")],
        performance_window_ends_on=date(2026, 12, 20),
        missing_evidence=[
            MissingEvidence("Capability assessment", ("Service level commitments",), TODAY)
        ],
        support_plan_ends_on=date(2026, 12, 1),
        next_step="Start the performance assessment",
    )
    assert [a.title for a in actions] == [
        "Upload evidence for the capability assessment",
        "Support plan ends",
        "Performance window ends",
        "Partner support plan",
        "Start the performance assessment",
    ]
    assert actions[0].detail == "Still missing: Service level commitments."
    assert actions[1].days_left(TODAY) == 10 and actions[-1].days_left(TODAY) is None


def test_a_support_plan_far_from_ending_is_no_action():
    assert required_actions(today=TODAY, support_plan_ends_on=date(2027, 6, 1)) == []


def test_renewal_actions_follow_the_window():
    window = renewal_window(date(2027, 1, 20), days_before=60, days_after=30)
    before = required_actions(today=date(2026, 10, 1), renewal=window)
    assert [(a.title, a.due_on) for a in before] == [("Renewal window opens", date(2026, 11, 21))]
    open_ = required_actions(today=TODAY, renewal=window)
    assert [(a.title, a.due_on) for a in open_] == [("Renew by the anniversary", date(2027, 1, 20))]
    grace = required_actions(today=date(2027, 2, 1), renewal=window)
    assert [(a.title, a.due_on, a.severity) for a in grace] == [
        ("Renewal window closes", date(2027, 2, 19), "danger")
    ]


def test_support_is_covered_until_the_end_of_back_to_back_accepted_contracts():
    contracts = [
        ("psfp", date(2025, 1, 1), date(2026, 12, 31)),
        ("asfp", date(2027, 1, 1), date(2027, 6, 30)),
        ("unified", date(2027, 7, 1), date(2028, 6, 30)),  # not accepted: the cover stops before
    ]
    contracts = [SupportContractFact(*contract) for contract in contracts]
    assert covered_until(contracts, TODAY, ("asfp", "psfp")) == date(2027, 6, 30)
    assert covered_until(contracts, date(2024, 6, 1), ("asfp", "psfp")) is None


def test_nice_ceiling_rounds_up_to_a_round_axis():
    assert charts.nice_ceiling(Decimal("25")) == (Decimal(25), Decimal(5))
    assert charts.nice_ceiling(Decimal("23.7")) == (Decimal(25), Decimal(5))
    assert charts.nice_ceiling(Decimal("131")) == (Decimal(150), Decimal(50))
    assert charts.nice_ceiling(Decimal("0.3")) == (Decimal("0.3"), Decimal("0.1"))
    assert charts.nice_ceiling(Decimal(0)) == (Decimal(5), Decimal(1))


def test_trend_chart_places_points_and_the_target_line_in_the_plot():
    months = [date(2025, m, 1) for m in range(1, 13)]
    series = [(m, Decimal(10 + i)) for i, m in enumerate(months)]
    chart = charts.trend_chart(series, Decimal("20.00"), width=720, height=280)
    assert chart.points[0].x == chart.plot_left and chart.points[-1].x == chart.plot_right
    ys = [p.y for p in chart.points]
    assert ys == sorted(ys, reverse=True)  # rising rates go up the screen
    assert all(chart.plot_top <= y <= chart.plot_bottom for y in ys)
    assert chart.y_max >= Decimal(25)  # room above the target
    assert chart.plot_top <= chart.target_y <= chart.plot_bottom
    assert [p.above_target for p in chart.points].count(True) == 1  # only 21 is above 20
    assert len(chart.lines) == 1 and len(chart.lines[0].split()) == 12
    assert chart.y_ticks[0].label == "0" and chart.y_ticks[0].position == chart.plot_bottom
    assert len(chart.x_ticks) == 12


def test_trend_chart_breaks_the_line_where_the_rate_is_undefined():
    months = [date(2025, m, 1) for m in range(1, 25 - 12)]
    values = [Decimal(5), None, Decimal(6), Decimal(7), None, None] + [Decimal(4)] * 6
    chart = charts.trend_chart(list(zip(months, values, strict=True)), Decimal(20))
    assert [len(line.split()) for line in chart.lines] == [1, 2, 6]
    assert len(chart.defined_points) == 9 and not chart.is_empty


def test_trend_chart_without_any_rate_is_empty_but_still_has_its_target():
    months = [date(2024, m, 1) for m in range(1, 13)] + [date(2025, m, 1) for m in range(1, 13)]
    chart = charts.trend_chart([(m, None) for m in months], Decimal(20))
    assert chart.is_empty and chart.lines == ()
    assert chart.target_y is not None
    assert len(chart.x_ticks) == 8  # every third month of 24, ending with the last
    assert chart.x_ticks[-1].label == "2025-12"
