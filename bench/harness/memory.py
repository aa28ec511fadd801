"""Peak resident memory of this process or of a command, measured honestly.

``getrusage().ru_maxrss`` is no good for a child of a large process: Linux carries the parent's high-water
mark into the child across fork/vfork and exec, so every child of a 160 MB runner "peaks" at 160 MB. The
``VmHWM`` line of ``/proc/<pid>/status`` belongs to the process's own address space (reset by exec), so it
is used instead: read at the end for this process, sampled while a command runs for a command.
"""

from __future__ import annotations

import resource
import subprocess  # fixed command lines from the benchmarks
import time
from pathlib import Path

SAMPLE_S = 0.02


def _hwm_kb(pid: int | str = "self") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def self_peak_mb() -> float:
    """Peak RSS of this process since it started (VmHWM; ru_maxrss where /proc is missing)."""
    kb = _hwm_kb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


def reset_self_peak() -> bool:
    """Start this process's peak RSS afresh (``clear_refs`` 5 resets VmHWM), so that the peak read next belongs
    to what runs from now on and not to the setup before it (the org tree, the employers, a generated file).
    False where the kernel does not allow it: the peak then counts from the process's start."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def cpu_seconds() -> float:
    """User + system CPU time of this process and of its children that have ended (the import's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_sampled(args: list[str]) -> float | None:
    """Run a command to completion; returns its peak RSS in MB (VmHWM sampled every 20 ms).

    Raises RuntimeError with the command's error output when it fails.
    """
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    peak = 0
    while proc.poll() is None:
        kb = _hwm_kb(proc.pid)
        if kb:
            peak = max(peak, kb)
        time.sleep(SAMPLE_S)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({proc.returncode}): {err[:500]}")
    return round(peak / 1024, 1) if peak else None
