"""`make test` on a fresh machine: scripts/system-packages.sh installs Chromium and libmagic
with apt when it can, and otherwise stops before anything runs with one line naming them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages.sh"


def run(tmp_path: Path, chromium: str, only: str = "") -> subprocess.CompletedProcess:
    """The script as an ordinary user (a stub `id` answering 1000) with CHROMIUM_PATH set."""
    stubs = tmp_path / "bin"
    stubs.mkdir(exist_ok=True)
    (stubs / "id").write_text("#!/bin/sh\necho 1000\n")
    (stubs / "id").chmod(0o755)
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "CHROMIUM_PATH": chromium, "PYTHON": sys.executable}
    return subprocess.run(
        ["sh", str(SCRIPT), *only.split()],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_nothing_to_do_when_chromium_and_libmagic_are_there(tmp_path):
    result = run(tmp_path, chromium="/bin/sh")  # any executable stands in for the browser
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""


def test_stops_with_one_line_naming_the_package_when_it_cannot_install(tmp_path):
    result = run(tmp_path, chromium=str(tmp_path / "no-chromium"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "apt-get install -y chromium" in lines[0] and "make again" in lines[0]
    assert "libmagic1" not in lines[0]  # libmagic is installed here


def test_make_test_checks_system_packages_before_installing_or_testing():
    makefile = (ROOT / "Makefile").read_text()
    assert "test: system-packages install\n" in makefile


def test_make_run_checks_only_libmagic(tmp_path):
    result = run(tmp_path, chromium=str(tmp_path / "no-chromium"), only="libmagic")
    assert result.returncode == 0, result.stderr
