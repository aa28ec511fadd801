"""The floor plan (docs/architecture.md) holds: the import contracts of `.importlinter` are kept."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    exit_code = lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True)
    out = capsys.readouterr().out
    assert exit_code == 0, out


def test_every_app_has_a_layer():
    """A new app must be placed in the layers contract, or nothing checks where it sits."""
    config = (ROOT / ".importlinter").read_text(encoding="utf-8")
    layers = config.split("[importlinter:contract:layers]", 1)[1].split("ignore_imports", 1)[0]
    apps = sorted(p.parent.name for p in (ROOT / "unionserve").glob("*/apps.py"))
    missing = [app for app in apps if f"unionserve.{app}" not in layers]
    assert not missing, f"apps without a layer in .importlinter: {missing}"
