"""Interleaved timing: floor and subject measured in turn, medians of every round, ratios printed.

The machine is shared, so a floor taken at another moment than its subject measures the noise
as much as the code. Each round runs every step once in a fixed order (the floors first, then
the subjects on the same data); a figure is the median over the rounds, and a ratio is taken
between medians of the same rounds.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Rounds:
    """Wall times of named steps over interleaved rounds."""

    times: dict[str, list[float]] = field(default_factory=dict)

    def timed(self, name: str, step: Callable[[], object]) -> object:
        """Run `step` once, keep its wall time under `name`, return what it returned."""
        started = time.perf_counter()
        result = step()
        self.times.setdefault(name, []).append(time.perf_counter() - started)
        return result

    def median(self, name: str) -> float:
        return statistics.median(self.times[name])

    def spread(self, name: str) -> str:
        return "/".join(f"{t:.2f}" for t in self.times[name])


@dataclass
class Figure:
    """One printed line: a subject against its floor, with the target and whether it is met."""

    label: str
    seconds: float
    floor_label: str = ""
    floor_seconds: float = 0.0
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor_seconds if self.floor_seconds else None

    def line(self) -> str:
        text = f"  {self.label}: {self.seconds:.3f} s"
        if self.floor_seconds:
            text += f" vs {self.floor_label} {self.floor_seconds:.3f} s = {self.ratio:.2f}x"
        if self.note:
            text += f"; {self.note}"
        if self.target:
            verdict = "met" if self.met else "NOT MET"
            text += f" (target {self.target}: {verdict})"
        return text


@dataclass
class Report:
    """Every figure of a run, printed as it comes and kept for bench/RESULTS.md."""

    lines: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        print(text, flush=True)
        self.lines.append(text)

    def figure(self, figure: Figure) -> Figure:
        self.say(figure.line())
        return figure


def latency(call: Callable[[], object], repeat: int, warmups: int) -> tuple[float, float]:
    """(p50, p95) in milliseconds of `repeat` calls after `warmups` untimed ones."""
    for _ in range(warmups):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]
