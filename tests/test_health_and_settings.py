"""/healthz really touches each part; settings refuse unsafe production starts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_healthz_names_the_database_when_it_is_down(client, monkeypatch):
    from kindred import health

    def broken():
        raise connection.Database.OperationalError("database is down")

    monkeypatch.setattr(health, "_check_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "bus": "ok", "presence": "ok"}


SETUP = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'kindred.settings'; django.setup()\n"
)


def _start_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", SETUP],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _start_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_refuse_wildcard_hosts_when_debug_is_off():
    result = _start_settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS=* is refused" in result.stderr


def test_each_limit_is_read_from_the_variable_of_its_name_as_its_type_says():
    script = SETUP + (
        "from django.conf import settings as s\n"
        "print(repr((s.MESSAGE_MAX_LENGTH, s.TRUST_MIN_HOURS, s.REPORT_RATE_LIMIT,"
        " s.CRISIS_STAGE2_PROCESS, s.CRISIS_ONCALL_EMAILS, s.HANDLE_MAX_LENGTH)))"
    )
    overrides = {
        "MESSAGE_MAX_LENGTH": "500",
        "TRUST_MIN_HOURS": "0.5",
        "REPORT_RATE_LIMIT": "3/1h",
        "CRISIS_STAGE2_PROCESS": "off",
        "CRISIS_ONCALL_EMAILS": "a@example.org, b@example.org",
        "HANDLE_MAX_LENGTH": "99",  # fixed: not a setting the environment may change
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DEBUG": "1", **overrides},
        capture_output=True,
        text=True,
        timeout=60,
    )
    expected = (500, 0.5, "3/1h", False, ["a@example.org", "b@example.org"], 24)
    assert result.stdout.strip() == repr(expected), result.stderr
    refused = _start_settings(DEBUG="1", MESSAGE_MAX_LENGTH="lots")
    assert refused.returncode != 0
    assert "MESSAGE_MAX_LENGTH must be a whole number, got 'lots'" in refused.stderr


def test_production_settings_are_hardened():
    script = SETUP + (
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.X_FRAME_OPTIONS, s.SESSION_COOKIE_SAMESITE,"
        " \"'unsafe-inline'\" in s.CONTENT_SECURITY_POLICY)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    clean.update(DEBUG="0", SECRET_KEY="y" * 50, ALLOWED_HOSTS="kindred.example")
    result = subprocess.run(
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["True", "True", "True", "DENY", "Lax", "False"], result.stderr


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client):
    response = client.get("/api/session/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_metrics_exist_only_for_the_holder_of_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = "operator-token"
    assert client.get("/metrics/").status_code == 404
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer guess").status_code == 404
    page = client.get("/metrics/", HTTP_AUTHORIZATION="Bearer operator-token")
    assert page.status_code == 200
    assert set(page.json()["send_ack"]) >= {"counts", "n", "max_us", "unit"}


def test_every_way_of_starting_daphne_uses_the_same_flags():
    """make run, the Procfile and the README's many-process example start daphne
    by hand; the tests and the benchmark use realtime.serving. All the same."""
    from pathlib import Path

    from realtime.serving import DAPHNE_FLAGS

    root = Path(__file__).resolve().parent.parent
    flags = " ".join(DAPHNE_FLAGS)
    makefile = (root / "Makefile").read_text().replace("\\\n", " ")
    places = {
        "Makefile": " ".join(makefile.split()),
        "Procfile": (root / "Procfile").read_text(),
        "README.md": (root / "README.md").read_text(),
    }
    for name, text in places.items():
        starts = [line for line in text.splitlines() if "daphne -b" in line]
        assert starts, f"{name} no longer starts daphne"
        for line in starts:
            assert flags in line, f"{name}: {line.strip()}"
