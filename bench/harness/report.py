"""Tables of results: plain text for the terminal, Markdown for bench/README.md."""

from __future__ import annotations

import json
from pathlib import Path


def _figure(case: dict) -> tuple[str, str]:
    s = case["stats"]
    if case["kind"] == "throughput":
        return f"{s['rows_per_s']:,} rows/s", f"{s['rows']:,} rows in {s['seconds']:,.1f} s"
    main = f"p50 {s['p50']:,.2f} ms"
    extra = f"p95 {s['p95']:,.2f} · p99 {s['p99']:,.2f} · mean {s['mean']:,.2f} (n={s['n']})"
    if "per_op_us" in case:
        extra += f" · {case['per_op_us']:,.1f} µs/op"
    return main, extra


def _baseline(case: dict) -> tuple[str, str]:
    parts, ratios = [], []
    for b in case.get("baselines", []):
        s = b["stats"]
        value = f"{s['rows_per_s']:,} rows/s" if case["kind"] == "throughput" else f"p50 {s['p50']:,.2f} ms"
        parts.append(f"{b['name']}: {value}")
        ratios.append(f"{b['ratio']:,.1f}×" if b.get("ratio") else "—")
    return "; ".join(parts) or "—", " / ".join(ratios) or "—"


def rows(doc: dict) -> list[list[str]]:
    """One row per case (or per skipped/failed benchmark)."""
    db = doc.get("environment", {}).get("database", {}).get("vendor", "")
    out = []
    for bench in doc["benchmarks"]:
        if bench.get("status") != "ok" and not bench.get("cases"):
            reason = bench.get("reason") or bench.get("error") or ""
            out.append([db, bench["name"], "—", bench.get("status", "?") + (f": {reason}" if reason else ""),
                        "", "", "", "", "", ""])
            continue
        for case in bench["cases"]:
            main, extra = _figure(case)
            base, ratio = _baseline(case)
            target = ""
            if "target_ms" in case:
                target = f"≤ {case['target_ms']:g} ms: {'yes' if case['meets_target'] else 'NO'}"
            out.append([db, bench["name"], case["name"], main, extra, base, ratio, str(case.get("queries", "")),
                        f"{bench.get('peak_rss_mb', '')}", target])
    return out


HEADERS = ["db", "benchmark", "case", "result", "detail", "baseline", "ratio", "queries", "peak RSS MB", "target"]


def markdown(docs: list[dict]) -> str:
    """A Markdown table of several result documents, followed by their environments."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for doc in docs:
        for r in rows(doc):
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    lines.append("")
    for doc in docs:
        e = doc["environment"]
        db = e.get("database", {})
        lines.append(
            f"- {db.get('vendor', '?')} {db.get('version', '')}: {e['cpu_model']}, {e['cpu_count']} cores, "
            f"{e['memory_gb']} GB, load average {e.get('load_average_1_5_15')} → {e.get('load_average_at_end')}, "
            f"Python {e['python']}, Django {e['django']}, commit {e.get('git_commit')}"
            f"{' (dirty tree)' if e.get('git_dirty') else ''}, started {doc['started_at']}, scale {doc['scale']}"
        )
    return "\n".join(lines) + "\n"


def text(doc: dict) -> str:
    """A fixed-width table for the terminal."""
    table = [HEADERS, *rows(doc)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADERS))]
    widths = [min(w, 60) for w in widths]
    return "\n".join("  ".join(c[:60].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table)


def load(paths: list[Path]) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]
