"""The daily export of valid card holders for the social-security center (000 §四.7(1)(2)).

    manage.py export_valid_cards [--day YYYY-MM-DD] --out DIR

writes ``jingka-valid-YYYYMMDD.csv`` (UTF-8, header 身份证号,姓名,卡号,有效起始日期: members enrolled in the
medical plan for the day's year, in social insurance, with a card valid that day) and
``jingka-valid-YYYYMMDD.csv.sha256`` (sha256sum format), and records the export (rows, checksum) with its
audit row. Run it once a day (cron or the task scheduler) and hand both files to the center.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from unionserve.mutualaid import actions


class Command(BaseCommand):
    help = "Write the day's CSV of valid Jingka card holders in the medical plan, with its SHA-256 file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD (default: today, Beijing time)")
        parser.add_argument("--out", required=True, help="Directory to write the CSV and its .sha256 into")

    def handle(self, *args, day: str | None = None, out: str = ".", **options) -> None:
        try:
            when = dt.date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--day: {exc}") from exc
        folder = Path(out)
        if not folder.is_dir():
            raise CommandError(f"--out: {folder} is not a directory")
        data, log = actions.export_cards(day=when)
        name = f"jingka-valid-{when:%Y%m%d}.csv"
        (folder / name).write_bytes(data)
        (folder / f"{name}.sha256").write_text(f"{log.sha256}  {name}\n", encoding="utf-8")
        self.stdout.write(f"{folder / name}: {log.rows} rows, sha256 {log.sha256}")
