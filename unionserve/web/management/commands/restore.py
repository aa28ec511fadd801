"""``manage.py restore ARCHIVE``: a backup put back into an empty database and an empty media folder."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionserve.web.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = ("Restore a backup made by manage.py backup into an EMPTY database (created, not migrated) and an empty "
            "MEDIA_ROOT. Checksums are verified before anything is written; row counts are compared after.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="The archive written by manage.py backup.")
        parser.add_argument("--check", action="store_true",
                            help="Only read the manifest and verify nothing is missing; restore nothing.")

    def handle(self, *args, **options) -> None:
        archive = Path(options["archive"])
        try:
            manifest = read_manifest(archive)
            self.stdout.write(f"Backup of UnionServe {manifest['version']} made {manifest['created_at']} "
                              f"({manifest['database']['vendor']}, {manifest['media']['files']} media files)")
            if options["check"]:
                return
            report = restore(archive)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc))
        tables = manifest["database"]["tables"]
        self.stdout.write("  checksums verified: " + ", ".join(manifest["parts"]))
        self.stdout.write(f"  database restored: {len(tables)} tables, {sum(tables.values()):,} rows, "
                          f"{len(manifest['database']['migrations'])} migrations")
        self.stdout.write(f"  media restored: {report.media_files} files")
        for warning in report.key_warnings:
            self.stdout.write(self.style.WARNING(f"  {warning}: set the keys the site used (docs/operations.md)."))
        if report.count_mismatches:
            for table, (expected, found) in sorted(report.count_mismatches.items()):
                self.stderr.write(f"  {table}: {found} rows, the manifest says {expected}")
            raise CommandError("Row counts differ from the manifest.")
        self.stdout.write(self.style.SUCCESS("Restored; row counts equal the manifest's. Run manage.py migrate "
                                             "if this release is newer than the backup's."))
