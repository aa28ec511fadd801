"""What a benchmark is: a registered class whose ``setup`` returns the cases to time.

A case is one thing measured: a callable timed over many repetitions after warm-up (``kind="latency"``,
figures in ms) or a few times over a known number of rows (``kind="throughput"``, rows/s), with optional
named baselines timed in the same run, interleaved with it, so that their ratio is fair on a busy machine.

To add a benchmark, put a module in ``bench/benchmarks/`` (it is imported automatically)::

    @register
    class MyBench(Benchmark):
        name = "my_bench"
        description = "What it measures."

        def setup(self, ctx: Context) -> list[Case]:
            data = ...  # untimed
            return [Case("default", run=lambda: work(data), baselines={"naive": lambda: naive(data)})]
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from bench.datagen.generate import Scale


class Skip(Exception):
    """Raised by ``setup`` when a benchmark cannot run here (missing tool, app mid-edit); not a failure."""


@dataclass
class Case:
    """One measured callable and its baselines."""

    name: str
    run: Callable[[], Any]
    kind: Literal["latency", "throughput"] = "latency"
    #: Rows handled by one call (throughput); when None, the call's int return value is used.
    rows: int | None = None
    #: Operations in one call of a latency case (e.g. 10,000 deadlines): adds per-operation figures.
    ops: int | None = None
    baselines: dict[str, Callable[[], Any]] = field(default_factory=dict)
    #: Check that every baseline returns what ``run`` returns (the baseline computes the same answer).
    same_result: bool = False
    target_ms: float | None = None
    count_queries: bool = True
    trace_memory: bool = True
    repeat: int | None = None
    warmup: int | None = None
    #: Untimed work before every timed call (e.g. removing the previous run's output).
    before_each: Callable[[], Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What every benchmark gets: sizes, the work folder, repetition counts, a logger."""

    scale: Scale
    db: str
    work_dir: Path
    repeat: int = 50
    warmup: int = 5
    throughput_repeat: int = 1
    processes: int = 2
    log: Callable[[str], None] = print


class Benchmark:
    """Base class; subclasses set ``name`` and ``description`` and implement ``setup``."""

    name: ClassVar[str]
    description: ClassVar[str]
    #: Needs the benchmark database prepared (org units, users).
    needs_db: ClassVar[bool] = True
    #: Needs the dataset's members CSV (generated once and cached under bench/work/data/).
    needs_members_csv: ClassVar[bool] = False
    #: Needs the work-order cases in the database (loaded once by ``bench.datagen.cases_db.ensure_cases``).
    needs_workflow_cases: ClassVar[bool] = False

    def setup(self, ctx: Context) -> list[Case]:
        raise NotImplementedError

    def teardown(self, ctx: Context) -> None:  # optional hook
        """Undo ``setup`` (remove scratch files)."""


REGISTRY: dict[str, type[Benchmark]] = {}


def register(cls: type[Benchmark]) -> type[Benchmark]:
    """Class decorator: make a benchmark runnable by name."""
    if cls.name in REGISTRY and REGISTRY[cls.name] is not cls:
        raise ValueError(f"two benchmarks are named {cls.name!r}")
    REGISTRY[cls.name] = cls
    return cls


def discover() -> dict[str, type[Benchmark]]:
    """Import every module of ``bench.benchmarks`` and return the registry."""
    import bench.benchmarks as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    return REGISTRY
