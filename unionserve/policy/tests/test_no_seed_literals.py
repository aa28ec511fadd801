"""The seeds' numbers live in policy records, not in area code: this test fails naming the file and line.

Area code (every app above the workflow engine; not tests, migrations or the policies.py modules that
register the parameters) may not:

1. give a deadline a literal length: ``Deadline.working_days(5)``, ``Deadline.days(15)``, ``Deadline(rule, 7)``,
   ``compute_deadline(rule, start, 7)``, ``add_working_days(day, 7)`` — a process reads it from a policy key;
2. count a seed's day period with ``timedelta(days=N)`` for N one of the registered day lengths (2 … 365);
3. write the seeds' distinctive amounts (the mutual-aid caps 100,653 and 103,316 yuan) anywhere;
4. write the seeds' round amounts (claim caps 5,000 / 10,000 / 20,000, subsidies, skill boosts) where they are
   money: ``Decimal("5000")``, or bound to a name about money or limits (``cap=20000``, ``MAX_AMOUNT = 10000``).
   Round numbers elsewhere (batch sizes, chunk sizes) are ordinary integers, not policy.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from unionserve import policy

PACKAGE = Path(__file__).resolve().parents[2]
#: The layers below the areas (and the project's settings and catalogs): not area code.
NOT_AREAS = {"core", "audit", "orgs", "workcalendar", "policy", "accounts", "notifications", "workflow",
             "settings", "locale", "static", "templates"}

#: Numbers the next issues add (seed 003: mutual-aid caps; 002: accident and fire-loss caps, skills boost; 001:
#: the station subsidy and the funds threshold), besides every money default already in the registry.
DISTINCTIVE = {Decimal(100653), Decimal(103316)}
ROUND_MONEY = {Decimal(5000), Decimal(10000), Decimal(20000), Decimal(500000), Decimal(1000), Decimal(2000)}
MONEY_NAME = re.compile(r"amount|money|cap|limit|subsidy|payout|pay|fund|yuan|fee|claim|threshold|quota",
                        re.IGNORECASE)
DEADLINE_CALLS = {"working_days", "days"}
LENGTH_CALLS = {"compute_deadline": 2, "add_working_days": 1, "add_calendar_days": 1}


def _seed_numbers() -> tuple[set[Decimal], set[int]]:
    money = set(ROUND_MONEY)
    days: set[int] = set()
    for p in policy.parameters():
        if p.kind == policy.Kind.MONEY:
            money.add(p.default)
        elif p.is_days and p.default >= 2:
            days.add(int(p.default))
    return money, days


def _number(node: ast.AST) -> Decimal | None:
    if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
        if isinstance(node.value, int | float):
            return Decimal(str(node.value))
        if isinstance(node.value, str):
            try:
                return Decimal(node.value.replace(",", "").replace("_", "").strip())
            except (InvalidOperation, ValueError):
                return None
    return None


def _int_literal(node: ast.AST) -> int | None:
    """The value of an integer literal (not a bool), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    return None


def _name(node: ast.AST | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def violations(source: str, where: str) -> list[str]:
    """Every forbidden literal in one module's source, as "where:line: what"."""
    money, days = _seed_numbers()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = _name(node.func)
            target = node.func.value if isinstance(node.func, ast.Attribute) else None
            first = _int_literal(node.args[0]) if node.args else None
            if func in DEADLINE_CALLS and _name(target) == "Deadline" and first is not None:
                found.append(f"{where}:{node.lineno}: Deadline.{func}({first}) — use a policy key")
            second = _int_literal(node.args[1]) if len(node.args) >= 2 else None
            if func == "Deadline" and second is not None:
                found.append(f"{where}:{node.lineno}: Deadline(…, {second}) — use a policy key")
            if func in LENGTH_CALLS:
                index = LENGTH_CALLS[func]
                length = _int_literal(node.args[index]) if len(node.args) > index else None
                if length is not None and length >= 2:
                    found.append(f"{where}:{node.lineno}: {func}(…, {length}) — use a policy key")
            if func == "timedelta":
                for kw in node.keywords:
                    n = _int_literal(kw.value)
                    if kw.arg == "days" and n is not None and n in days:
                        found.append(f"{where}:{node.lineno}: timedelta(days={n}) — a seed period; "
                                     "read it from the policy")
            if func == "Decimal" and node.args and (_number(node.args[0]) in money):
                found.append(f"{where}:{node.lineno}: Decimal({_number(node.args[0])}) — a seed amount")
            for kw in node.keywords:
                if kw.arg and MONEY_NAME.search(kw.arg) and _number(kw.value) in money:
                    found.append(f"{where}:{node.lineno}: {kw.arg}={_number(kw.value)} — a seed amount")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and _number(node.value) in money and any(
                    MONEY_NAME.search(_name(t)) for t in targets):
                found.append(f"{where}:{node.lineno}: {_name(targets[0])} = {_number(node.value)} — a seed amount")
        number = _number(node)
        if number in DISTINCTIVE:
            found.append(f"{where}:{getattr(node, 'lineno', 0)}: {number} — a seed number; read it from the policy")
    return sorted(set(found))


def area_modules() -> list[Path]:
    modules = []
    for app in sorted(PACKAGE.iterdir()):
        if not app.is_dir() or app.name in NOT_AREAS or app.name.startswith(("_", ".")):
            continue
        for path in sorted(app.rglob("*.py")):
            rel = path.relative_to(PACKAGE)
            if {"tests", "migrations"} & set(rel.parts) or path.name == "policies.py":
                continue
            modules.append(path)
    return modules


def test_area_code_takes_the_seeds_numbers_from_policy():
    modules = area_modules()
    assert any(p.name == "process.py" for p in modules), "no process definitions found: is the scan pointed right?"
    found = []
    for path in modules:
        found += violations(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    assert not found, "seed numbers written as literals (declare a policy parameter instead):\n" + "\n".join(found)


@pytest.mark.parametrize("snippet", [
    'State("x", "X", Deadline.working_days(5, "派单时限"))',
    'State("x", "X", Deadline.days(15))',
    "d = Deadline(Rule.CALENDAR_DAYS, 7)",
    "due = start + timedelta(days=15)",
    "r = compute_deadline(rule, start, 7)",
    "ANNUAL_CAP = 100653",
    'cap = Decimal("103,316")',
    'MAX_DEATH_PAYOUT = Decimal("20000")',
    "pay(member, amount=5000)",
])
def test_the_scan_catches_literals(snippet):
    assert violations(snippet, "x.py"), snippet


@pytest.mark.parametrize("snippet", [
    "CHUNK = 5000",
    "qs.iterator(chunk_size=10_000)",
    "if len(rows) < 500_000: pass",
    'State("x", "X", Deadline.working_days(policies.HANDLE_DAYS, "7个工作日"))',
    "yesterday = today - timedelta(days=1)",
    "page = paginate(rows, 20)",
])
def test_ordinary_numbers_pass(snippet):
    assert not violations(snippet, "x.py"), snippet


def test_the_policy_app_imports_only_the_layers_below_it():
    """policy sits beside the working-day calendar: core, audit and Django only (the engine reads it, not back)."""
    allowed = {"core", "audit", "policy"}
    found = []
    for path in sorted((PACKAGE / "policy").rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                parts = name.split(".")
                if parts[0] == "unionserve" and len(parts) > 1 and parts[1] not in allowed:
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {name}")
    assert not found, found
