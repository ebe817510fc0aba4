"""`flush` empties the whole database (a new installation, the tests). On PostgreSQL it
truncates, which row triggers do not see; on SQLite it deletes row by row, which the audit
trail's trigger refuses. So on SQLite this drops that trigger for the flush and puts it back in
the same transaction. No view or service can do this: it is a command of whoever runs
manage.py on the server, who could equally delete the database file."""

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from manyi.audit import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                for sql in triggers.SQLITE_REVERSE:
                    cursor.execute(sql)
            super().handle(**options)
            with connection.cursor() as cursor:
                for sql in triggers.SQLITE:
                    cursor.execute(sql)
