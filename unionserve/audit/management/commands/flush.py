"""Django's `flush`, which empties every table, with the audit log's database guard lifted for it and put back.

Emptying the whole database (a test's teardown between transactional tests, a developer's reset) is the one
deletion of audit rows there is; the guard (`audit/guard.py`) refuses any other.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from unionserve.audit import guard


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if guard.TABLE not in connection.introspection.table_names():
            return super().handle(**options)
        guard.remove(connection)
        try:
            return super().handle(**options)
        finally:
            guard.install(connection)
