"""Process diagrams generated from definitions (Mermaid state diagrams)."""

from __future__ import annotations

from .definitions import APPOINT, DISPATCH, ProcessDefinition


def mermaid(definition: ProcessDefinition) -> str:
    """A Mermaid `stateDiagram-v2` of the process: states with their deadlines, transitions with who acts."""
    lines = ["stateDiagram-v2", f"    [*] --> {definition.initial}"]
    for s in definition.states:
        label = str(s.label)
        if s.deadline:
            label += f"<br/>时限：{s.deadline.describe()}"
        if s.paused:
            label += "<br/>（暂停计时）"
        lines.append(f'    state "{label}" as {s.code}')
    for t in definition.transitions:
        if t.kind == APPOINT:
            continue  # the case stays in its state: listed in the table, not drawn as an arrow
        levels = "/".join(str(x) for x in sorted(t.levels))
        kind = "⇉ " if t.kind == DISPATCH else ""
        for src in t.source:
            lines.append(f"    {src} --> {t.target}: {kind}{t.label}（{levels}级）")
    if definition.reopen:
        for src in definition.reopen.from_states:
            lines.append(f"    {src} --> {definition.reopen.to_state}: 重启")
    for s in definition.states:
        if s.final:
            lines.append(f"    {s.code} --> [*]")
    return "\n".join(lines) + "\n"


def markdown(definition: ProcessDefinition) -> str:
    """The page written to docs/processes/<code>.md."""
    from unionserve.core.roles import Role

    rows = []
    for t in definition.transitions:
        roles = "、".join(str(Role(r).label) for r in sorted(t.roles))
        target = t.target if t.kind != APPOINT else "（状态不变，指定承办人）"
        rows.append(f"| {t.label} | {', '.join(t.source)} → {target} | {roles} | "
                    f"{'/'.join(str(x) for x in sorted(t.levels))} |")
    states = [f"| {s.code} | {s.label} | {s.deadline.describe() if s.deadline else '—'} "
              f"{('(' + s.deadline.source + ')') if s.deadline and s.deadline.source else ''} | "
              f"{'final' if s.final else ('paused' if s.paused else '')} |" for s in definition.states]
    return "\n".join([
        f"# {definition.label} ({definition.code}, numbers {definition.prefix}YYYYMMDD-NNNN)",
        "",
        "Generated from the process definition by `manage.py generate_process_docs`; do not edit by hand.",
        "",
        str(definition.description or ""),
        "",
        "```mermaid",
        mermaid(definition).rstrip(),
        "```",
        "",
        "| state | label | deadline | |",
        "|---|---|---|---|",
        *states,
        "",
        "| transition | from → to | roles | levels |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Returnable: {', '.join(sorted(definition.returnable)) or '—'}; extendable: "
        f"{', '.join(sorted(definition.extendable)) or '—'}; escalatable: "
        f"{', '.join(sorted(definition.escalatable)) or '—'}; on overdue: {definition.on_overdue}.",
        "",
    ])
