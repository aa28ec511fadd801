"""Audit the pinned dependency set (constraints.txt) for known vulnerabilities with pip-audit.

Exit status: 1 when a dependency has a known vulnerability that is not accepted below, 0 otherwise.
When the vulnerability service cannot be reached (no network, or a registry mirror without PyPI's JSON API),
pip-audit skips every package and would report "No known vulnerabilities found"; this script says instead,
loudly, that the audit did not run, and does not fail the build for that reason alone
(docs/decisions/0021-security-scanners.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Vulnerabilities accepted after review, each with its reason in docs/decisions/0021-security-scanners.md.
#: None so far: a finding is fixed by raising the pin, or added here with the decision's paragraph.
ACCEPTED: dict[str, str] = {}


#: One request to the service pip-audit asks by default, before auditing 80-odd packages one by one.
PROBE_URL = "https://pypi.org/pypi/pip/json"


def service_reachable(timeout: float = 10.0) -> str | None:
    """None when PyPI's JSON API answers, else why not (a firewall that drops packets would otherwise cost
    pip-audit its timeout once per package)."""
    try:
        # A fixed https URL, no user input.
        with urllib.request.urlopen(PROBE_URL, timeout=timeout) as response:
            return None if response.status == 200 else f"HTTP {response.status}"
    except (OSError, ValueError) as exc:
        return str(exc)


def main() -> int:
    """Run pip-audit against constraints.txt and interpret its JSON report."""
    why = service_reachable()
    if why is not None:
        print(f"pip-audit DID NOT RUN: PyPI's vulnerability data could not be reached ({why}). The pinned set is "
              "unaudited; run `./dev lint` where PyPI is reachable.")
        return 0
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "-r", str(ROOT / "constraints.txt"), "--no-deps", "--disable-pip",
               "--progress-spinner", "off", "-f", "json"]
    for vuln_id in ACCEPTED:
        command += ["--ignore-vuln", vuln_id]
    # Fixed command line, no shell, no user input.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit DID NOT RUN: the vulnerability service could not be reached ({last}). "
              "The pinned set is unaudited; run `./dev lint` where PyPI's JSON API or OSV is reachable.")
        return 0
    status, lines = interpret(report)
    print("\n".join(lines))
    return status


def interpret(report: dict) -> tuple[int, list[str]]:
    """The exit status and the lines to print for pip-audit's JSON report."""
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = [d for d in deps if d.get("vulns")]
    lines: list[str] = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            lines.append(f"VULNERABLE {dep['name']}=={dep.get('version')}: {vuln['id']} (fixed in {fixes})")
    if vulnerable:
        lines.append(f"pip-audit: {len(vulnerable)} pinned package(s) with known vulnerabilities. Raise the pin in "
                     "constraints.txt, or accept the finding in scripts/audit_dependencies.py with its decision.")
        return 1, lines
    if not deps or len(skipped) == len(deps):
        lines.append(f"pip-audit DID NOT RUN: the vulnerability service answered for none of the {len(deps)} "
                     "pinned packages (no network or a mirror without PyPI's JSON API). The pinned set is "
                     "unaudited; run `./dev lint` where PyPI or OSV is reachable.")
        return 0, lines
    if skipped:
        lines.append(f"pip-audit: {len(skipped)} of {len(deps)} packages could not be audited: "
                     + ", ".join(d["name"] for d in skipped))
    lines.append(f"pip-audit: no known vulnerabilities in {len(deps) - len(skipped)} audited pinned packages.")
    return 0, lines

if __name__ == "__main__":
    sys.exit(main())
