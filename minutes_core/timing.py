"""Stage timings: how long each stage of an ask or an ingest took, in seconds.

``ask --json`` reports them (the contract's ``timings``) and ``scripts/bench_*.py`` read them, so
every stage is timed the same way: ``with timer.stage("dense"): ...``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager


class StageTimer:
    """Seconds per named stage, added up into ``timings`` (a stage run twice counts twice).

    ``timings`` may be a dict the caller already reports (an ingest report adds up its stages
    over many files); ``total()`` records the time since the timer was made.
    """

    def __init__(self, timings: MutableMapping[str, float] | None = None):
        self.timings: MutableMapping[str, float] = timings if timings is not None else {}
        self.started = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name`` (also when it raises or, in a generator, yields)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def add(self, name: str, seconds: float) -> None:
        """Count ``seconds`` measured elsewhere (an embedding run the index timed) under ``name``."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def total(self) -> MutableMapping[str, float]:
        """Record ``total`` (seconds since the timer was made) and return the timings."""
        self.timings["total"] = self.elapsed()
        return self.timings
