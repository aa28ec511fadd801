"""The engine is the only writer of cases, steps, case access and the timeline.

Every module of the product outside `unionserve/workflow/` is read (its syntax tree, not run) for the ways
code writes those rows: a manager or queryset write on an engine model (`Case.objects.filter(...).update(`,
`Step.objects.create(`, `CaseAccess.objects.bulk_create(`, also through `type(case)` or `case.__class__`),
a write through a case's related rows (`case.steps.filter(...).update(`, `case.access.create(`),
constructing an engine model, and `.save()`, `.delete()` or an attribute assignment on a case or a step
(`step.assignee = user`, `case.version += 1`). What an area needs is an option or hook of its process
definition that the engine calls (docs/workflow.md); tests and migrations are not scanned (fixtures build
rows directly). The allow-list is empty on purpose: an entry needs a reason a reviewer accepts.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ENGINE = PACKAGE / "workflow"
ENGINE_MODELS = frozenset({"Case", "Step", "CaseAccess", "CaseEvent", "Attachment", "CaseSequence"})
MODELS_MODULES = frozenset({"unionserve.workflow.models"})
WRITES = frozenset({"create", "bulk_create", "bulk_update", "update", "update_or_create", "get_or_create", "delete"})
RELATED = frozenset({"steps", "access", "events", "attachments"})
#: Names under which code holds a case or a step (case, step, new_step, aid.case).
ROW_NAMES = ("case", "step")

#: path (relative to the package) → why it may write engine rows. Empty: no module outside the engine does.
ALLOWED: dict[str, str] = {}


def _name_of(node: ast.AST) -> str:
    """The last name of an expression: `aid.case` → case, `step` → step, `type(case)` → case."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" and node.args:
        return _name_of(node.args[0])
    if isinstance(node, ast.Subscript):
        return _name_of(node.value)
    return ""


def _is_row(node: ast.AST) -> bool:
    name = _name_of(node).lower()
    return any(name == row or name.endswith("_" + row) for row in ROW_NAMES)


def _engine_names(tree: ast.Module) -> set[str]:
    """Names this module binds to the engine's models (`from unionserve.workflow.models import Step as S`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in MODELS_MODULES:
            names |= {alias.asname or alias.name for alias in node.names if alias.name in ENGINE_MODELS}
    return names


def _chain(node: ast.AST) -> list[ast.Attribute]:
    """The attribute nodes of `a.b(...).c(...).d`, outermost first."""
    chain = []
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Attribute):
            chain.append(node)
            node = node.value
        else:
            node = node.func
    return chain


def _model_class(node: ast.AST, engine: set[str]) -> bool:
    """`Step`, `type(case)`, `case.__class__`: an engine model class."""
    if isinstance(node, ast.Name):
        return node.id in engine
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" and node.args:
        return _is_row(node.args[0])
    if isinstance(node, ast.Attribute) and node.attr == "__class__":
        return _is_row(node.value)
    return False


def offences(source: str, filename: str = "<source>") -> list[str]:
    """Where `source` writes engine rows: "line: what" for each."""
    tree = ast.parse(source, filename)
    engine = _engine_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            chain = _chain(node.func.value)
            # X.objects…write(), type(case).objects…, case.__class__.objects…
            if method in WRITES and any(a.attr == "objects" and _model_class(a.value, engine) for a in chain):
                found.append(f"{node.lineno}: {method}() on an engine model's rows")
                continue
            # case.steps…write(), case.access.create()
            related = next((a for a in chain if a.attr in RELATED and _is_row(a.value)), None)
            if method in WRITES and related is not None:
                found.append(f"{node.lineno}: {method}() on a case's {related.attr}")
                continue
            # step.save(), aid.case.delete()
            if method in ("save", "delete") and _is_row(node.func.value):
                found.append(f"{node.lineno}: {method}() on a case or step")
                continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in engine:
            found.append(f"{node.lineno}: builds a {node.func.id} row")
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and isinstance(part.ctx, ast.Store) and _is_row(part.value):
                    found.append(f"{node.lineno}: sets {_name_of(part.value)}.{part.attr}")
    return found


def _product_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if path.is_relative_to(ENGINE) or "tests" in parts or "migrations" in parts:
            continue
        yield path


def test_no_module_outside_the_engine_writes_cases_steps_or_access():
    found = {}
    for path in _product_modules():
        rel = str(path.relative_to(PACKAGE))
        if rel in ALLOWED:
            continue
        hits = offences(path.read_text(encoding="utf-8"), rel)
        if hits:
            found[rel] = hits
    assert not found, ("only the workflow engine writes cases, steps, case access and the timeline; declare an "
                       f"option or hook in the process definition instead (docs/workflow.md): {found}")


def test_the_guard_catches_the_ways_areas_used_to_write_engine_rows():
    # Each of these was in an area app before the engine took the writes over.
    source = '''
from django.db.models import F
from unionserve.workflow.models import Case, Step


def assign(case, step, user, version):
    step.assignee = user
    step.save(update_fields=["assignee"])
    Case.objects.filter(pk=case.pk).update(assignee=user)
    Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1)
    Step.objects.filter(pk=step.pk).update(assignee=None)


def backdate(overdue, past):
    overdue.case.__class__.objects.filter(pk=overdue.case.pk).update(opened_at=past)
    overdue.case.steps.filter(is_open=True).update(due_at=past)
    type(overdue.case).objects.filter(pk=1).update(state="x")
    overdue.case.version += 1
'''
    hits = offences(source)
    assert len(hits) == 9, hits
    # Reading is fine, and a model of another app that happens to be called Step is not the engine's.
    harmless = '''
from unionserve.workflow.models import Case, Step
from .sending import Step as Progress


def read(case, aid):
    Step.objects.filter(case=case).exists()
    list(case.steps.filter(is_open=True))
    type(aid).objects.filter(pk=aid.pk).update(version=2)
    aid.save()
    return Progress(queued=1)
'''
    assert offences(harmless) == []
