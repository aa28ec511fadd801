"""Every state of every process and every status choice reads as reviewed in Chinese.

A short English word such as "Closed" means different things for a case (已办结) and for an org unit
(已撤销); sharing one msgid made closed cases read "revoked". Each label is looked up in the zh-hans
catalog and compared with a reviewed table (`reviewed_status_labels.tsv`), so a wrong translation, a
label that silently shares another's entry, or a new label nobody reviewed fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import translation

from unionserve.workflow.registry import registry

TABLE = Path(__file__).with_name("reviewed_status_labels.tsv")


def reviewed() -> dict[tuple[str, str], str]:
    """(msgid, msgctxt) → the reviewed Chinese wording."""
    table: dict[tuple[str, str], str] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            msgid, context, chinese = line.split("\t")
            table[(msgid, context)] = chinese
    return table


def source(label: Any) -> tuple[str, str]:
    """The (msgid, context) a lazy label was made from; a plain string has no context."""
    args = getattr(label, "_args", None)
    if not args:
        return (str(label), "")
    return (args[1], args[0]) if len(args) == 2 else (args[0], "")


def text_choices() -> Iterator[type[models.TextChoices]]:
    """Every TextChoices class of the project's apps, nested subclasses included."""
    stack = list(models.TextChoices.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("unionserve."):
            yield cls


def groups() -> Iterator[tuple[str, list[Any]]]:
    """(name, labels) for each process's states and each status choice class."""
    for definition in registry.all():
        yield f"process {definition.code}", [state.label for state in definition.states]
    for cls in text_choices():
        yield f"{cls.__module__}.{cls.__qualname__}", [member.label for member in cls]


def test_every_state_and_status_label_reads_as_reviewed():
    assert apps.ready
    table = reviewed()
    wrong, unreviewed = [], []
    with translation.override("zh-hans"):
        for name, labels in groups():
            for label in labels:
                key = source(label)
                shown = str(label)
                if key not in table:
                    unreviewed.append(f"{name}: {key} → {shown}")
                elif shown != table[key]:
                    wrong.append(f"{name}: {key} reads {shown!r}, reviewed {table[key]!r}")
    assert not wrong, "labels translated differently from the reviewed table:\n" + "\n".join(wrong)
    assert not unreviewed, (
        "labels missing from reviewed_status_labels.tsv (review the Chinese and add them):\n" + "\n".join(unreviewed)
    )


def test_labels_of_one_process_or_choice_are_told_apart_in_chinese():
    """Two states (or two choices) of the same thing never read the same in Chinese."""
    clashes = []
    with translation.override("zh-hans"):
        for name, labels in groups():
            seen: dict[str, str] = {}
            for label in labels:
                shown, english = str(label), source(label)[0]
                if shown in seen and seen[shown] != english:
                    clashes.append(f"{name}: {seen[shown]!r} and {english!r} both read {shown!r}")
                seen[shown] = english
    assert not clashes, "\n".join(clashes)


def test_the_table_has_no_stale_rows():
    """Every reviewed row still belongs to a label, so the table stays the list of what users read."""
    used = {source(label) for _, labels in groups() for label in labels}
    stale = sorted(set(reviewed()) - used)
    assert not stale, f"rows for labels that no longer exist: {stale}"
