"""The nightly jobs' management commands read their day with the pages' and the API's parser."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

COMMANDS = [
    ("recompute_case_rates", "--as-of"),
    ("compute_cohort_benchmarks", "--as-of"),
    ("store_step_stays", "--as-of"),
    ("refresh_designations", "--today"),
]


@pytest.mark.parametrize(("command", "option"), COMMANDS)
@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("2027-02-29", "“2027-02-29” is not a date in the form YYYY-MM-DD."),  # not a leap year
        ("21/11/2026", "“21/11/2026” is not a date in the form YYYY-MM-DD."),
        ("1999-12-31", "1999-12-31 is outside the days the portal knows"),
    ],
)
def test_a_bad_day_is_refused_with_the_reason_and_nothing_runs(db, command, option, raw, why):
    with pytest.raises(CommandError) as refused:
        call_command(command, option, raw)
    assert why in str(refused.value)
    assert option in str(refused.value)


@pytest.mark.parametrize(("command", "option"), COMMANDS)
def test_a_leap_day_is_a_day(db, command, option, capsys):
    call_command(command, option, "2028-02-29")
    assert "2028-02-29" in capsys.readouterr().out


def test_the_cohort_command_says_what_it_stored(db, capsys):
    call_command("compute_cohort_benchmarks", "--as-of", "2026-11-21")
    assert capsys.readouterr().out == "Cohort benchmarks for 2026-11-21: 0 cohorts stored.\n"
