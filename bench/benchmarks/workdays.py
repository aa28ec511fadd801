"""``workdays``: 10,000 deadline computations with the working-day calendar."""

from __future__ import annotations

import datetime

from bench.datagen.plan import rng_for
from bench.harness.registry import Benchmark, Case, Context, Skip, register

CALLS = 10_000


@register
class Workdays(Benchmark):
    name = "workdays"
    description = "10,000 × workcalendar.service.add_working_days (N = 1..15 from dates in 2024-2026)."

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from unionserve.workcalendar.service import add_working_days
        except Exception as exc:  # the calendar app may be mid-edit
            raise Skip(f"unionserve.workcalendar.service does not import: {exc!r}") from exc
        rng = rng_for(ctx.scale.seed, "workdays")
        first = datetime.date(2024, 1, 1)
        work = [(first + datetime.timedelta(days=rng.randrange(900)), rng.choice((1, 2, 3, 5, 7, 10, 15)))
                for _ in range(CALLS)]

        def run() -> datetime.date:
            last = None
            for start, n in work:
                last = add_working_days(start, n).due_date
            return last

        return [Case(f"add_working_days_x{CALLS}", run=run, ops=CALLS, params={"calls": CALLS})]
