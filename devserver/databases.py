"""PostgreSQL databases of their own, and ``manage.py`` run against them."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Mapping
from urllib.parse import urlparse

from devserver.process import ROOT


def pg_execute(admin_url: str, sql: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def database_url(admin_url: str, name: str) -> str:
    """*admin_url* pointing at the database *name* instead."""
    return urlparse(admin_url)._replace(path=f"/{name}").geturl()


def create_database(admin_url: str, name: str, *, template: str | None = None) -> str:
    """Create *name* (a copy of *template* when given); returns its URL."""
    copy = f' TEMPLATE "{template}"' if template else ""
    pg_execute(admin_url, f'CREATE DATABASE "{name}"{copy}')
    return database_url(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    """Drop *name* even with sessions still open; a database already gone is fine."""
    with contextlib.suppress(Exception):
        pg_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(
    env: Mapping[str, str], *args: str, input: str | None = None, timeout: float = 300
) -> str:
    """``manage.py *args`` with *env*; its output, or RuntimeError with its errors."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout
