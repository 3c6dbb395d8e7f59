"""The crisis package's files: where they are (its data folder, or a path setting)
and reading its JSON ones with errors that say which file and where it went wrong."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: Where the crisis package keeps its data: the lexicon, resources, corpus and model.
DATA_DIR = Path(__file__).resolve().parent / "data"


def read_json_file(path: str | Path, what: str, error: type[Exception]) -> Any:
    """The JSON value in *path*, or *error* naming *what* ("lexicon") and the file
    when it can't be read or isn't valid JSON."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise error(
            f"{what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


# (django.conf.settings, ImproperlyConfigured) once imported; False without Django.
_django: tuple | bool | None = None


def setting_path(name: str) -> Path | None:
    """``settings.<name>`` as a path, if Django is importable and configured and the
    setting is set (the package also runs without Django: the model's worker
    process, its training)."""
    global _django
    if _django is None:
        try:
            from django.conf import settings
            from django.core.exceptions import ImproperlyConfigured
        except ImportError:
            _django = False
        else:
            _django = (settings, ImproperlyConfigured)
    if not _django:
        return None
    settings, improperly_configured = _django
    try:
        if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
            return None
        value = getattr(settings, name, None)
    except (improperly_configured, ImportError):
        return None
    return Path(value) if value else None
