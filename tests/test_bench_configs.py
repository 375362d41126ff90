"""bench/gunicorn_configs.py reads its configurations exactly and refuses a malformed one."""

import pytest

from bench import load_test
from bench.gunicorn_configs import label, parse_configs


def test_configurations_are_workers_by_threads_in_the_order_given():
    here = load_test.ROOT
    assert parse_configs("2x4, 2x2,3x1") == [(2, 4, here), (2, 2, here), (3, 1, here)]
    assert [label(config) for config in parse_configs("2x4,3x1")] == ["2 x 4", "3 x 1"]


def test_a_configuration_may_name_another_source_tree(tmp_path):
    (tmp_path / "gunicorn.conf.py").write_text("workers = 2\n")
    configs = parse_configs(f"2x2@{tmp_path},2x2")
    assert configs == [(2, 2, tmp_path.resolve()), (2, 2, load_test.ROOT)]
    assert [label(config) for config in configs] == [f"2 x 2 @ {tmp_path.resolve()}", "2 x 2"]


def test_a_tree_without_a_gunicorn_configuration_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="names no source tree"):
        parse_configs(f"2x2@{tmp_path}")


@pytest.mark.parametrize("text", ["2x0", "0x2", "2", "x2", "2x", "2x4,", "2*4", "-1x2", "@/tmp"])
def test_a_malformed_configuration_is_refused_by_name(text):
    with pytest.raises(SystemExit, match=r"is not WORKERSxTHREADS\[@TREE\]"):
        parse_configs(text)
