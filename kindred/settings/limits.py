"""Kindred's own limits, each overridable by the environment variable of its name."""

from __future__ import annotations

import os

from .env import BASE_DIR, env_bool, env_float, env_int, env_list

# --- Kindred limits (each overridable by the environment variable of its name) --
HANDLE_MIN_LENGTH = 3
HANDLE_MAX_LENGTH = 24
MESSAGE_MAX_LENGTH = env_int("MESSAGE_MAX_LENGTH", 2000)
MESSAGE_RATE_LIMIT = os.environ.get("MESSAGE_RATE_LIMIT", "8/10s")
HISTORY_ON_CONNECT = env_int("HISTORY_ON_CONNECT", 50)
# Messages in a room page's own HTML (shown before any script runs); the socket then
# resumes after the last of them. As many as the welcome's history by default, so the
# first welcome brings nothing the page must render again. 0: none.
HISTORY_IN_PAGE = env_int("HISTORY_IN_PAGE", 50)
HISTORY_PAGE_MAX = env_int("HISTORY_PAGE_MAX", 100)
WEBSOCKET_MAX_FRAME_BYTES = env_int("WEBSOCKET_MAX_FRAME_BYTES", 64 * 1024)
# Frames a socket may send per second before it is rate limited, and the number
# of rate-limited frames after which the socket is closed.
SOCKET_FRAME_RATE = env_int("SOCKET_FRAME_RATE", 30)
SOCKET_FLOOD_CLOSE_AFTER = env_int("SOCKET_FLOOD_CLOSE_AFTER", 200)
# Open sockets one member may hold in one process (tabs, rooms, the dashboard);
# the next is closed with 4429. 0: no limit.
SOCKETS_PER_MEMBER = env_int("SOCKETS_PER_MEMBER", 30)
# A connection that hasn't sent its first request's headers after this long is
# dropped (slowloris). 0: no limit.
HTTP_HEADER_TIMEOUT_SECONDS = env_float("HTTP_HEADER_TIMEOUT_SECONDS", 10)
# A socket whose outgoing buffer stays above this many bytes is closed with 4408
# so the client reconnects and resumes instead of the server buffering forever.
SOCKET_SEND_BUFFER_LIMIT = env_int("SOCKET_SEND_BUFFER_LIMIT", 1024 * 1024)
SOCKET_SEND_BUFFER_GRACE_SECONDS = env_float("SOCKET_SEND_BUFFER_GRACE_SECONDS", 5)
# The hub waits this long for an out-of-order predecessor before it reads the
# gap from the database.
HUB_GAP_WAIT_SECONDS = env_float("HUB_GAP_WAIT_SECONDS", 0.5)
# Who may read this process's timings at /metrics/ (send "Authorization: Bearer
# <token>"); empty: the page does not exist.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# When messages for a room pile up faster than the hub writes them, it writes up
# to this many to each socket in one go (one system call instead of many).
HUB_BATCH_MAX_MESSAGES = env_int("HUB_BATCH_MAX_MESSAGES", 64)
# A room's sockets are written to at most once per this interval: a message
# arriving sooner after the last write waits for the rest of it and goes out
# with whatever joins it (one system call per socket for several messages).
# The first message after a quiet spell goes at once; 0 writes every message
# as soon as it is delivered.
HUB_ROOM_WRITE_INTERVAL_SECONDS = env_float("HUB_ROOM_WRITE_INTERVAL_SECONDS", 0.04)
# Bus events (stored messages, presence, notices) waiting in this process for
# Redis; beyond this many the sender publishes itself (realtime.publisher).
BUS_PUBLISH_QUEUE_MAX = env_int("BUS_PUBLISH_QUEUE_MAX", 10_000)
RECOVERY_PHRASE_WORDS = 6
BLOCKED_WORDS_PATH = os.environ.get(
    "BLOCKED_WORDS_PATH", str(BASE_DIR / "community" / "data" / "blocked_words.txt")
)

# Recovery attempts per handle (the handle's own device is spared), and per client:
# its address (a keyed hash) and its device cookie, each checked before a phrase
# is hashed.
RECOVERY_ATTEMPTS_PER_HOUR = env_int("RECOVERY_ATTEMPTS_PER_HOUR", 10)
RECOVERY_ATTEMPTS_PER_CLIENT_PER_HOUR = env_int("RECOVERY_ATTEMPTS_PER_CLIENT_PER_HOUR", 20)
SESSIONS_CREATED_PER_HOUR = env_int("SESSIONS_CREATED_PER_HOUR", 0)  # 0: unlimited
RESUME_MAX = env_int("RESUME_MAX", 1000)
BLOCKED_WORDS_REFRESH_SECONDS = env_int("BLOCKED_WORDS_REFRESH_SECONDS", 30)
if env_bool("KINDRED_FAST_HASH"):
    # Test runs only: the same scrypt, with a small work factor.
    RECOVERY_HASH_SCRYPT = (2**8, 8, 1)
# Presence: sockets refresh every PRESENCE_HEARTBEAT_SECONDS; an entry expires
# PRESENCE_TTL_SECONDS after its last refresh (a crashed process's members
# drop out within that time); silent sockets are closed after SOCKET_IDLE_SECONDS.
PRESENCE_HEARTBEAT_SECONDS = env_float("PRESENCE_HEARTBEAT_SECONDS", 20)
PRESENCE_TTL_SECONDS = env_float("PRESENCE_TTL_SECONDS", 60)
PRESENCE_COALESCE_SECONDS = env_float("PRESENCE_COALESCE_SECONDS", 0.25)
# Expired entries (a killed process's members) are swept, and their leave
# announced, this often: within TTL + this of the process's last heartbeat.
PRESENCE_SWEEP_SECONDS = env_float("PRESENCE_SWEEP_SECONDS", 1)
SOCKET_IDLE_SECONDS = env_float("SOCKET_IDLE_SECONDS", 60)
# Moderation
REPORT_RATE_LIMIT = os.environ.get("REPORT_RATE_LIMIT", "10/1h")
# How many of an item's report notes (newest first) facilitators see with it.
QUEUE_ITEM_NOTES_SHOWN = env_int("QUEUE_ITEM_NOTES_SHOWN", 5)
MUTE_MAX_MINUTES = env_int("MUTE_MAX_MINUTES", 60 * 24 * 30)
SLOW_MODE_MAX_SECONDS = env_int("SLOW_MODE_MAX_SECONDS", 3600)
MODERATION_CONTEXT = env_int("MODERATION_CONTEXT", 5)
# Links from handles younger than this many minutes are flagged for review.
LINK_MIN_HANDLE_AGE_MINUTES = env_int("LINK_MIN_HANDLE_AGE_MINUTES", 60)
# Being refused for sending too fast more often than this is flagged ("3/10m":
# a fourth refusal within 10 minutes files an item).
RATE_LIMIT_FLAG_AFTER = os.environ.get("RATE_LIMIT_FLAG_AFTER", "3/10m")
# Crisis hand-off (docs/safety.md)
CRISIS_ESCALATE_AFTER = env_float("CRISIS_ESCALATE_AFTER", 180)
CRISIS_WEBHOOK_URL = os.environ.get("CRISIS_WEBHOOK_URL", "")
CRISIS_WEBHOOK_ATTEMPTS = env_int("CRISIS_WEBHOOK_ATTEMPTS", 4)
# When set, every webhook request is signed with it (X-Kindred-Signature,
# HMAC-SHA256 over "<X-Kindred-Timestamp>.<body>"; docs/safety.md).
CRISIS_WEBHOOK_SECRET = os.environ.get("CRISIS_WEBHOOK_SECRET", "")
# An escalation whose page did not get through (webhook failing after all its
# attempts, mail refused, the process gone) is paged again this long after.
CRISIS_PAGE_RETRY_SECONDS = env_float("CRISIS_PAGE_RETRY_SECONDS", 120)
CRISIS_ONCALL_EMAILS = env_list("CRISIS_ONCALL_EMAILS")
CRISIS_CARD_EVERY = os.environ.get("CRISIS_CARD_EVERY", "1/30m")
#: How far ahead a member may ask for a check-in ("check on me later").
CHECKIN_MAX_AHEAD_HOURS = env_float("CHECKIN_MAX_AHEAD_HOURS", 72)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kindred@localhost")
# One-on-one chats and the drop-in line
CHAT_REQUEST_COOLDOWN_HOURS = env_int("CHAT_REQUEST_COOLDOWN_HOURS", 24)
CHAT_REQUEST_EXPIRE_MINUTES = env_int("CHAT_REQUEST_EXPIRE_MINUTES", 30)
CHAT_MAX_OPEN_REQUESTS = env_int("CHAT_MAX_OPEN_REQUESTS", 5)
DROPIN_TIMEOUT_SECONDS = env_float("DROPIN_TIMEOUT_SECONDS", 600)
# The inbox: items per page of GET /api/inbox/ (items expire with MESSAGE_RETENTION_DAYS).
INBOX_PAGE_SIZE = env_int("INBOX_PAGE_SIZE", 30)
# A member's drop-in joins offered to helpers per minute; later joins in the
# minute wait in the line without an offer (and leave without a withdrawal).
DROPIN_OFFERS_PER_MINUTE = env_int("DROPIN_OFFERS_PER_MINUTE", 3)
# Web Push (community/push.py): off unless VAPID_PRIVATE_KEY is set (base64url, the raw
# 32-byte P-256 key, e.g. from `vapid --gen`); the public key is derived from it.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@localhost")
PUSH_TIMEOUT_SECONDS = env_float("PUSH_TIMEOUT_SECONDS", 5)
# On SIGTERM, how long to wait for clients to receive the 1012 close before exiting.
SHUTDOWN_CLOSE_WAIT_SECONDS = env_float("SHUTDOWN_CLOSE_WAIT_SECONDS", 3)
# Privacy: messages older than this are deleted by purge_messages (run daily by the
# server processes and available as a command); closed moderation items are kept
# for MODERATION_RETENTION_DAYS with only the excerpt facilitators need.
MESSAGE_RETENTION_DAYS = env_int("MESSAGE_RETENTION_DAYS", 90)
MODERATION_RETENTION_DAYS = env_int("MODERATION_RETENTION_DAYS", 180)
