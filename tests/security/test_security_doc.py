"""docs/security.md states the roles as core/roles.py declares them (python -m unionserve.core.roles_doc)."""

from unionserve.core import roles, roles_doc


def test_the_role_tables_are_current():
    block = roles_doc.current_block(roles_doc.DOC.read_text(encoding="utf-8"))
    assert block is not None, "docs/security.md lost the roles markers"
    assert block == roles_doc.markdown(), "docs/security.md is stale: run `python -m unionserve.core.roles_doc`"


def test_every_permission_is_explained():
    granted = set().union(*(spec.permissions for spec in roles.ROLE_SPECS.values()))
    assert granted <= set(roles_doc.MEANING), granted - set(roles_doc.MEANING)
