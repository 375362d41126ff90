"""bench/gunicorn_configs.py reads its configurations exactly and refuses a malformed one."""

import pytest

from bench.gunicorn_configs import parse_configs


def test_configurations_are_workers_by_threads_in_the_order_given():
    assert parse_configs("2x4, 2x2,3x1") == [(2, 4), (2, 2), (3, 1)]


@pytest.mark.parametrize("text", ["2x0", "0x2", "2", "x2", "2x", "2x4,", "2*4", "-1x2"])
def test_a_malformed_configuration_is_refused_by_name(text):
    with pytest.raises(SystemExit, match="is not WORKERSxTHREADS"):
        parse_configs(text)
