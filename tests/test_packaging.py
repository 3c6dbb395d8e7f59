"""The installed project carries every one of its apps.

Scripts outside the repository root (``bench/crisis_eval.py``, a deployed
wheel) import the apps through the installed package list, not the working
directory: an app missing from ``pyproject.toml`` works in the test suite and
fails there with ``ModuleNotFoundError``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _local_apps() -> set[str]:
    names = set()
    for app in settings.INSTALLED_APPS:
        top = app.split(".")[0]
        if (ROOT / top / "__init__.py").exists():
            names.add(top)
    return names


def test_every_local_app_is_in_the_package_list():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = set(config["tool"]["setuptools"]["packages"]["find"]["include"])
    missing = sorted(app for app in _local_apps() if not {app, f"{app}.*"} <= include)
    assert not missing, f"apps not installed by pyproject.toml: {missing}"
