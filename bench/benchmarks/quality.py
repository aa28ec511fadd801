"""``quality_rates``: the three data-quality rates for every unit of the city, computed at once.

The register must be in the database: ``bench.datagen.members_db.ensure_members`` loads the dataset's
employers and members once (benchmark-only loader, see its docstring). Cases:

- ``compute_city``: ``dataquality.rates.compute`` — three GROUP BY queries (employers, active members, closed
  sample items), one read of the units' paths, the roll-up over both lines in Python. Target ≤ 2 s.
- ``recompute_and_store``: ``dataquality.actions.recompute_snapshots(remind=False)`` — the same plus replacing
  the day's ~50,000 snapshot rows (what the nightly task and the "recompute" button do). Reported, no target.
"""

from __future__ import annotations

from bench.harness.registry import Benchmark, Case, Context, Skip, register

TARGET_MS = 2000.0


def _ensure_policy():
    """The thresholds in force (the policy app seeds its defaults again when ``flush`` emptied it)."""
    from unionserve.dataquality.models import policy_in_force

    return policy_in_force()


@register
class QualityRates(Benchmark):
    name = "quality_rates"
    description = "Unit-information pass, collection and accuracy rates of every unit, whole city (≤ 2 s)."

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from django.utils import timezone

            from unionserve.dataquality import actions, rates
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"dataquality does not import: {exc!r}") from exc
        from bench.datagen.members_db import ensure_members

        loaded = ensure_members(ctx.scale, log=ctx.log)
        policy = _ensure_policy()
        day = timezone.localdate()

        def compute() -> int:
            return len(rates.compute(day, policy))

        def store() -> int:
            return actions.recompute_snapshots(day, remind=False).units

        params = {"members": ctx.scale.members, "units": ctx.scale.units, "loader": loaded}
        return [
            Case("compute_city", run=compute, target_ms=TARGET_MS, repeat=min(ctx.repeat, 10),
                 warmup=min(ctx.warmup, 1), params=params),
            Case("recompute_and_store", run=store, repeat=min(ctx.repeat, 5), warmup=min(ctx.warmup, 1),
                 params=params),
        ]
