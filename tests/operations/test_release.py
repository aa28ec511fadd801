"""One release number: the package's and the code's agree, and the CHANGELOG has an entry for it."""

import tomllib

import unionserve
from unionserve.release import VERSION

from .helpers import ROOT


def test_one_release_number():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == VERSION == unionserve.__version__
    assert f"## {VERSION} " in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
