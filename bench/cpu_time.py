"""CPU time per request for `make load`: what a server, PostgreSQL and Redis spent in one wrk
run, read from Linux's /proc before and after it (clock ticks, 10 ms each at the usual 100 Hz,
so a run of several thousand requests resolves to a few microseconds per request). Unlike the
latencies, CPU time hardly moves with what else the machine is doing, so it shows whether a
change made a request cheaper when the p95 is lost in noise. Elsewhere than Linux: no figures."""

import os
from pathlib import Path

PROC = Path("/proc")
SERVICES = ("postgres", "redis-server")


def _stat(pid: str) -> tuple[str, int, int] | None:
    """(command, parent pid, user + system ticks) of a process, None when it has gone."""
    try:
        text = (PROC / pid / "stat").read_text()
    except OSError:
        return None
    command = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return command, int(fields[1]), int(fields[11]) + int(fields[12])


def snapshot(server_pid: int) -> dict[str, int] | None:
    """Ticks so far of the server (its master and workers) and of each service, by name."""
    if not PROC.is_dir():
        return None
    ticks = {"server": 0, **dict.fromkeys(SERVICES, 0)}
    for pid in os.listdir(PROC):
        if not pid.isdigit():
            continue
        found = _stat(pid)
        if found is None:
            continue
        command, parent, used = found
        if int(pid) == server_pid or parent == server_pid:
            ticks["server"] += used
        elif command in SERVICES:
            ticks[command] += used
    return ticks


def per_request(before, after, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request, by part, between two snapshots."""
    if before is None or after is None or requests <= 0:
        return {}
    seconds = 1 / os.sysconf("SC_CLK_TCK")
    return {part: (after[part] - before[part]) * seconds * 1000 / requests for part in after}
