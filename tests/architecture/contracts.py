"""An import-linter contract of our own: an area app is entered only through its public module.

import-linter's built-in contracts say which packages may import which; none says "through this one module
only". Areas (members, hotline, mediation, …) talk to each other through ``<area>/public.py`` (and the shell
assembles their ``api``/``urls``/``demo``/``apps`` modules), so that a change inside one area cannot break
another. Tests and migrations are not checked: a test may build another area's rows as fixtures, and a
migration names what its fields were when it was written.
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output

#: Modules of an area that other modules may import: its public module; the shell (project urls, API, web)
#: may also assemble the area's routers, URLconf, demo data and app config.
PUBLIC = "public"
SHELL_ENTRIES = frozenset({"public", "api", "urls", "demo", "apps"})


def _is_test_or_migration(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or "migrations" in parts


class PublicModuleContract(Contract):
    """Imports into each of `areas` from outside it go to ``<area>.public`` only (the shell: a few more)."""

    type_name = "public_module"

    areas = fields.ListField(subfield=fields.ModuleExpressionField())
    shell = fields.ListField(subfield=fields.ModuleExpressionField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        areas = [str(area.expression) for area in self.areas]  # type: ignore[attr-defined]
        shell = [str(s.expression) for s in self.shell]  # type: ignore[attr-defined]
        violations: list[dict[str, object]] = []
        for area in areas:
            inside = {area} | graph.find_descendants(area)
            for imported in sorted(inside):
                for importer in sorted(graph.find_modules_that_directly_import(imported)):
                    if importer in inside or _is_test_or_migration(importer):
                        continue
                    tail = imported[len(area) + 1:].split(".", 1)[0] if imported != area else ""
                    from_shell = any(importer == s or importer.startswith(s + ".") for s in shell)
                    allowed = SHELL_ENTRIES if from_shell else {PUBLIC}
                    if tail in allowed:
                        continue
                    lines = sorted(d["line_number"] for d in graph.get_import_details(
                        importer=importer, imported=imported))
                    violations.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for v in check.metadata["violations"]:
            output.print_error(f"{v['importer']} -> {v['imported']} (l. {', '.join(map(str, v['lines']))})")
            output.new_line()
        output.print("Use the area's public module (unionserve/<area>/public.py); add to it what is missing.")
