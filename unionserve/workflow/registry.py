"""The registry of process definitions. Apps register theirs from `<app>/process.py`."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .definitions import DefinitionError, ProcessDefinition


class Registry:
    def __init__(self) -> None:
        self._by_code: dict[str, ProcessDefinition] = {}

    def register(self, definition: ProcessDefinition, *, replace: bool = False) -> ProcessDefinition:
        """Add a process; its code and case-number prefix must be unique."""
        if not replace:
            if definition.code in self._by_code:
                raise ImproperlyConfigured(f"Process {definition.code!r} is registered twice.")
            for other in self._by_code.values():
                if other.prefix == definition.prefix:
                    raise ImproperlyConfigured(
                        f"Processes {other.code!r} and {definition.code!r} share the prefix {definition.prefix!r}."
                    )
        self._by_code[definition.code] = definition
        return definition

    def unregister(self, code: str) -> None:
        self._by_code.pop(code, None)

    def get(self, code: str) -> ProcessDefinition:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"No process {code!r} is registered.") from None

    def __contains__(self, code: str) -> bool:
        return code in self._by_code

    def all(self) -> list[ProcessDefinition]:
        return sorted(self._by_code.values(), key=lambda d: d.code)

    def choices(self) -> list[tuple[str, str]]:
        return [(d.code, str(d.label)) for d in self.all()]

    def validate_all(self) -> None:
        """Refuse to start with a broken definition (called from WorkflowConfig.ready)."""
        from unionserve.core.roles import Role

        for definition in self._by_code.values():
            try:
                definition.validate(known_roles=set(Role.values))
            except DefinitionError as exc:
                raise ImproperlyConfigured(str(exc)) from exc


registry = Registry()
register = registry.register
