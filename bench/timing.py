"""Timing requests in turn: every request once per round, so that a burst of other work on the
machine falls on all of them alike (measured one after the other, the one measured at that
moment took it all, and a page's p95 moved by up to 40% from run to run)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def in_turn(requests: dict[str, Callable[[], object]], n: int) -> dict[str, dict[str, float]]:
    """Call each of ``requests`` once per round, ``n`` rounds: for each, the p50 and p95 of its
    wall-clock time and the p50 of its CPU time, in milliseconds."""
    wall: dict[str, list[float]] = {name: [] for name in requests}
    cpu: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(n):
        for name, request in requests.items():
            t0, c0 = time.perf_counter(), time.process_time()
            request()
            wall[name].append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.process_time() - c0) * 1000)
    out = {}
    for name in requests:
        ordered = sorted(wall[name])
        out[name] = {"p50": statistics.median(ordered), "p95": ordered[int(0.95 * (len(ordered) - 1))],
                     "cpu_p50": statistics.median(cpu[name])}
    return out
