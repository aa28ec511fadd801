"""``manage.py backup [--output FILE | --dir DIR]``: the database and the media files in one checked archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionserve.web.backup import KEYS_REMINDER, BackupError, backup, default_name


class Command(BaseCommand):
    help = ("Write one archive with the database (SQLite backup API or pg_dump), the media files and a manifest "
            "(version, migrations, row counts, SHA-256 of each part). The keys are not in it: keep them apart.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", metavar="FILE", help="The archive to write.")
        parser.add_argument("--dir", metavar="DIR", default="var/backups",
                            help="Folder for an archive named by the date and time (default var/backups).")

    def handle(self, *args, **options) -> None:
        output = Path(options["output"]) if options["output"] else Path(options["dir"]) / default_name()
        try:
            manifest = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc))
        tables = manifest["database"]["tables"]
        self.stdout.write(self.style.SUCCESS(f"Backup written: {output} ({output.stat().st_size:,} bytes)"))
        self.stdout.write(f"  UnionServe {manifest['version']}, {manifest['database']['vendor']}, "
                          f"{len(manifest['database']['migrations'])} migrations, {len(tables)} tables, "
                          f"{sum(tables.values()):,} rows, {manifest['media']['files']} media files")
        for name, part in manifest["parts"].items():
            self.stdout.write(f"  {name}: {part['bytes']:,} bytes, sha256 {part['sha256']}")
        self.stdout.write(self.style.WARNING(KEYS_REMINDER))
