"""Summary statistics of repeated timings."""

from __future__ import annotations

import math
import statistics


def percentile(sorted_values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not sorted_values:
        return math.nan
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def latency_stats(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99/mean/min/max/stdev in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 3),
        "p95": round(percentile(ms, 95), 3),
        "p99": round(percentile(ms, 99), 3),
        "mean": round(statistics.fmean(ms), 3) if ms else math.nan,
        "min": round(ms[0], 3) if ms else math.nan,
        "max": round(ms[-1], 3) if ms else math.nan,
        "stdev": round(statistics.stdev(ms), 3) if len(ms) > 1 else 0.0,
    }


def throughput_stats(seconds: list[float], rows: list[int]) -> dict[str, float]:
    """Rows per second of each repetition: median, best, worst; and the median wall time."""
    rates = sorted(r / s for r, s in zip(rows, seconds, strict=True) if s > 0)
    return {
        "n": len(seconds),
        "rows": rows[0] if rows else 0,
        "rows_per_s": round(statistics.median(rates)) if rates else 0,
        "best_rows_per_s": round(rates[-1]) if rates else 0,
        "worst_rows_per_s": round(rates[0]) if rates else 0,
        "seconds": round(statistics.median(seconds), 3) if seconds else math.nan,
    }
