"""The zh-hans catalog is complete: every source string extracted, translated, compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def entries(po_text: str) -> dict[str, str]:
    """msgid → msgstr (msgstr[0] for plurals); multi-line strings joined; header skipped."""
    result: dict[str, str] = {}
    buf: dict[str, str] = {}
    field: str | None = None
    for line in po_text.splitlines() + [""]:
        line = line.strip()
        if line.startswith("#") or not line:
            if buf.get("msgid"):
                result[buf["msgid"]] = buf.get("msgstr", buf.get("msgstr[0]", ""))
            buf, field = ({}, None) if not line else (buf, field)
            continue
        if line.startswith(('msgid "', 'msgid_plural "', 'msgstr "', 'msgstr[0] "', 'msgstr[1] "', 'msgctxt "')):
            field, _, rest = line.partition(" ")
            buf[field] = rest[1:-1]
        elif line.startswith('"') and field:
            buf[field] = buf.get(field, "") + line[1:-1]
    return result


def test_every_entry_is_translated_and_not_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "fuzzy entries in the zh-hans catalog"
    missing = [msgid for msgid, msgstr in entries(text).items() if not msgstr]
    assert not missing, f"untranslated: {missing[:20]}"


def test_compiled_catalog_is_current():
    assert MO.exists() and MO.stat().st_size > 1000
    if shutil.which("msgfmt"):
        fresh = subprocess.run(["msgfmt", "-o", "-", str(PO)], capture_output=True, check=True).stdout
        assert fresh == MO.read_bytes(), "run: cd unionserve && ../manage.py compilemessages"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_every_source_string_is_in_the_catalog(tmp_path):
    copy = tmp_path / "unionserve"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "tests", "data"))
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    script = (
        "import django, os, sys;"
        "from django.conf import settings;"
        "settings.configure(USE_I18N=True, LOCALE_PATHS=[sys.argv[1] + '/locale'], INSTALLED_APPS=[]);"
        "django.setup();"
        "os.chdir(sys.argv[1]);"
        "from django.core.management import call_command;"
        "call_command('makemessages', locale=['zh_Hans'], verbosity=0)"
    )
    subprocess.run([sys.executable, "-c", script, str(copy)], check=True, capture_output=True)
    extracted = set(entries((copy / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")))
    catalog = set(entries(PO.read_text(encoding="utf-8")))
    missing = sorted(extracted - catalog)
    assert not missing, f"not in the catalog (run makemessages and translate): {missing[:20]}"
