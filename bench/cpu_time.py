"""CPU time per request for `make load`: what a server, PostgreSQL and Redis spent in one wrk
run, read from Linux's /proc before and after it (clock ticks, 10 ms each at the usual 100 Hz,
so a run of several thousand requests resolves to a few microseconds per request). Unlike the
latencies, CPU time hardly moves with what else the machine is doing, so it shows whether a
change made a request cheaper when the p95 is lost in noise. Every PostgreSQL and Redis process
on the machine is counted, so measure on a machine that runs nothing else against them. A
process that ends during the run (a database connection replaced, a worker restarted) is still
counted: its parent's reaped-children time grows by all it spent. Elsewhere than Linux: no
figures."""

import os
from pathlib import Path

PROC = Path("/proc")
SERVICES = ("postgres", "redis-server")


def _stat(pid: str) -> tuple[str, int, int, int] | None:
    """(command, parent pid, own ticks, reaped children's ticks), None when it has gone."""
    try:
        text = (PROC / pid / "stat").read_text()
    except OSError:
        return None
    command = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    own = int(fields[11]) + int(fields[12])  # utime + stime
    return command, int(fields[1]), own, int(fields[13]) + int(fields[14])  # + cutime, cstime


def snapshot(server_pid: int) -> dict[int, tuple[str, int, int, int]] | None:
    """Each process of the server (its master and workers) and of each service, by pid: its
    part ("server" or the service's name), parent, own ticks and reaped children's ticks."""
    if not PROC.is_dir():
        return None
    found = {}
    for pid in os.listdir(PROC):
        if not pid.isdigit():
            continue
        stat = _stat(pid)
        if stat is None:
            continue
        command, parent, own, children = stat
        if int(pid) == server_pid or parent == server_pid:
            found[int(pid)] = ("server", parent, own, children)
        elif command in SERVICES:
            found[int(pid)] = (command, parent, own, children)
    return found


def per_request(before, after, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request, by part, between two snapshots: each process's own
    ticks since the first (all of them for one that started since), plus what its parent
    reaped of one that ended, less what that one had already spent at the first."""
    if before is None or after is None or requests <= 0:
        return {}
    ticks = {part: 0 for part in ("server", *SERVICES)}
    for pid, (part, _parent, own, children) in after.items():
        earlier = before.get(pid)
        ticks[part] += own - (earlier[2] if earlier else 0)
        ticks[part] += children - (earlier[3] if earlier else children)
    for pid, (part, parent, own, _children) in before.items():
        if pid not in after and parent in after:  # ended and reaped: counted by its parent
            ticks[part] -= own
    seconds = 1 / os.sysconf("SC_CLK_TCK")
    return {part: used * seconds * 1000 / requests for part, used in ticks.items()}
