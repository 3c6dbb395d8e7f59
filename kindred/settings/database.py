"""The database: an SQLite file by default, PostgreSQL with a per-process pool."""

from __future__ import annotations

import os

import dj_database_url

from .env import BASE_DIR, env_bool, env_float, env_int

# --- Database ---------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Under ASGI Django gives every request its own worker thread, so persistent
# connections (CONN_MAX_AGE) would be left behind by threads that end; and
# opening a PostgreSQL connection per call costs more server CPU than a whole
# message send. So each process keeps a small pool (psycopg_pool): every
# database call borrows a connection and gives it back. A process never holds
# more than DB_POOL_MAX_SIZE, so size PostgreSQL's max_connections for
# processes × DB_POOL_MAX_SIZE. DB_POOL_MAX_SIZE=0 turns the pool off and
# opens a connection per call (CONN_MAX_AGE then applies).
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 10)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DB_POOL_MAX_SIZE > 0:
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": min(env_int("DB_POOL_MIN_SIZE", 2), DB_POOL_MAX_SIZE),
                "max_size": DB_POOL_MAX_SIZE,
                # How long a call waits for a connection before it fails; also how
                # long a call waits while the database is unreachable, so short:
                # a member is told "try again" rather than left hanging.
                "timeout": env_float("DB_POOL_TIMEOUT_SECONDS", 3.0),
                # Connections above min_size close after this long unused.
                "max_idle": env_float("DB_POOL_MAX_IDLE_SECONDS", 300.0),
            }
        }
        # A check on every borrow is a round trip on every call: at 200 msgs/s
        # it doubled a send's time from receipt to ack. Without it, a connection
        # that died with a database restart fails one call: a send is then
        # retried once on a fresh connection (rooms/services.py), and the
        # periodic duties check idle connections every heartbeat.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_POOL_HEALTH_CHECKS", False)
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # A waiting writer retries for this long instead of failing at once;
            # WAL mode lets readers go on while a message is written.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
if "TEST" not in DATABASES["default"]:
    # Separate test databases per run so that concurrent runs never collide.
    DATABASES["default"]["TEST"] = {}
if os.environ.get("KINDRED_TEST_DB_NAME"):
    DATABASES["default"]["TEST"]["NAME"] = os.environ["KINDRED_TEST_DB_NAME"]
