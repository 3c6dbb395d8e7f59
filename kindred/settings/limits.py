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
# After closing a socket for a protocol error (1009, 1007), keep reading and
# discarding what its client still sends for up to this long, so the close frame
# arrives instead of a TCP reset. 0: close at once.
WEBSOCKET_CLOSE_LINGER_SECONDS = env_float("WEBSOCKET_CLOSE_LINGER_SECONDS", 10)
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

# Recovery attempts per attacker, checked before a phrase is hashed: on one handle
# from one client (its address, as a keyed hash, and its device cookie), and per
# client whatever the handle.
RECOVERY_ATTEMPTS_PER_HOUR = env_int("RECOVERY_ATTEMPTS_PER_HOUR", 10)
# All clients together, on one handle (its own device spared): only a crowd of
# addresses guessing reaches it.
RECOVERY_ATTEMPTS_PER_HANDLE_PER_HOUR = env_int("RECOVERY_ATTEMPTS_PER_HANDLE_PER_HOUR", 200)
RECOVERY_ATTEMPTS_PER_CLIENT_PER_HOUR = env_int("RECOVERY_ATTEMPTS_PER_CLIENT_PER_HOUR", 20)
# New handles per hour from one browser (its device cookie) and from one network
# address (only ever a keyed hash in the rate limiter, never stored). 0: unlimited.
SESSIONS_CREATED_PER_HOUR = env_int("SESSIONS_CREATED_PER_HOUR", 5)
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
# Trust levels (moderation/trust.py): a new handle (level 0) can't post links or ask
# for one-on-one chats and sends at NEW_MEMBER_MESSAGE_RATE_LIMIT, until it has been
# here TRUST_MIN_HOURS, has TRUST_MIN_MESSAGES messages not removed, and no warning,
# mute or ban in TRUST_SANCTION_FREE_DAYS. A trusted answer is kept in-process this long.
TRUST_MIN_HOURS = env_float("TRUST_MIN_HOURS", 24)
TRUST_MIN_MESSAGES = env_int("TRUST_MIN_MESSAGES", 10)
TRUST_SANCTION_FREE_DAYS = env_int("TRUST_SANCTION_FREE_DAYS", 14)
TRUST_CACHE_SECONDS = env_float("TRUST_CACHE_SECONDS", 60)
NEW_MEMBER_MESSAGE_RATE_LIMIT = os.environ.get("NEW_MEMBER_MESSAGE_RATE_LIMIT", "4/10s")
# In rooms marked sensitive, a new handle's (level 0) messages wait for a facilitator's
# quick look until FIRST_POSTS_HELD of theirs there have been shown; one not looked at
# goes to the room by itself after FIRST_POST_WAIT_SECONDS while a facilitator is on
# duty, after FIRST_POST_UNWATCHED_SECONDS when nobody is (moderation/first_posts.py).
FIRST_POSTS_HELD = env_int("FIRST_POSTS_HELD", 3)
FIRST_POST_WAIT_SECONDS = env_float("FIRST_POST_WAIT_SECONDS", 600)
FIRST_POST_UNWATCHED_SECONDS = env_float("FIRST_POST_UNWATCHED_SECONDS", 120)
# Sanctions older than this no longer count on the step-up ladder.
SANCTION_LADDER_DAYS = env_int("SANCTION_LADDER_DAYS", 90)
# How many of a member's sanctions, and of an item's actions, a queue item shows.
QUEUE_ITEM_SANCTIONS_SHOWN = env_int("QUEUE_ITEM_SANCTIONS_SHOWN", 5)
QUEUE_ITEM_HISTORY_SHOWN = env_int("QUEUE_ITEM_HISTORY_SHOWN", 20)
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
# Stage 2 of crisis detection runs after the ack in one worker thread per
# process (moderation.stage2): messages it may have waiting before a sender
# judges its own message inline, and seconds a shutdown waits for it to finish.
CRISIS_STAGE2_QUEUE = env_int("CRISIS_STAGE2_QUEUE", 2000)
CRISIS_STAGE2_DRAIN_SECONDS = env_float("CRISIS_STAGE2_DRAIN_SECONDS", 5)
# Run the model in a child process (python -m crisis.worker), off this
# process's interpreter lock; off: in the worker thread.
CRISIS_STAGE2_PROCESS = env_bool("CRISIS_STAGE2_PROCESS", True)
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
# Open drop-in chats one helper may hold at once; the next offer is left for
# someone else (0: no cap).
DROPIN_MAX_CHATS_PER_HELPER = env_int("DROPIN_MAX_CHATS_PER_HELPER", 2)
# Peer leadership (leadership/, docs/leadership.md): who may apply, the course,
# shadowing, probation, and the care of supporters.
LEADERSHIP_MIN_ACCOUNT_DAYS = env_int("LEADERSHIP_MIN_ACCOUNT_DAYS", 30)
LEADERSHIP_MIN_ACTIVE_DAYS = env_int("LEADERSHIP_MIN_ACTIVE_DAYS", 10)
LEADERSHIP_CLEAN_DAYS = env_int("LEADERSHIP_CLEAN_DAYS", 90)
LEADERSHIP_SHADOW_HOURS = env_float("LEADERSHIP_SHADOW_HOURS", 4)
# A shadowing page counts at most this long between two of its pings.
LEADERSHIP_SHADOW_TICK_SECONDS = env_int("LEADERSHIP_SHADOW_TICK_SECONDS", 90)
LEADERSHIP_PROBATION_DAYS = env_int("LEADERSHIP_PROBATION_DAYS", 30)
LEADERSHIP_PASSWORD_LINK_HOURS = env_int("LEADERSHIP_PASSWORD_LINK_HOURS", 72)
LEADERSHIP_COURSE_PASS_RATIO = env_float("LEADERSHIP_COURSE_PASS_RATIO", 1.0)
# The topic room only peer supporters, facilitators and admins see and enter.
LEADERSHIP_SUPPORTERS_ROOM = os.environ.get("LEADERSHIP_SUPPORTERS_ROOM", "supporters")
# A peer supporter's shift (open to chats) ends itself after this long.
SUPPORTER_SHIFT_MAX_MINUTES = env_int("SUPPORTER_SHIFT_MAX_MINUTES", 240)
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
# Recovery together (recovery/, rooms/reactions.py; docs/protocol.md, "Recovery")
RECOVERY_MAX_JOURNEYS = env_int("RECOVERY_MAX_JOURNEYS", 10)
# The topic room where members may share a milestone.
MILESTONES_ROOM = os.environ.get("MILESTONES_ROOM", "milestones")
# Support reactions a member may give (or take back) per window.
REACTION_RATE_LIMIT = os.environ.get("REACTION_RATE_LIMIT", "30/1m")
# The daily check-in stops being offered on arrival after this many dismissals.
CHECKIN_PROMPT_DISMISSALS = env_int("CHECKIN_PROMPT_DISMISSALS", 3)
# Days of check-ins the member's chart shows.
CHECKIN_CHART_DAYS = env_int("CHECKIN_CHART_DAYS", 30)
PARTNERS_MAX = env_int("PARTNERS_MAX", 3)
# A partner is nudged when the other has not checked in for this many days.
PARTNER_MISSED_DAYS = env_int("PARTNER_MISSED_DAYS", 3)
# "Needs a reply": a newcomer's first message in a room (handles younger than
# NEEDS_REPLY_NEWCOMER_DAYS), or one the crisis model scores at least
# NEEDS_REPLY_DISTRESS_SCORE without flagging it, unanswered this long.
NEEDS_REPLY_MINUTES = env_float("NEEDS_REPLY_MINUTES", 10)
NEEDS_REPLY_NEWCOMER_DAYS = env_int("NEEDS_REPLY_NEWCOMER_DAYS", 14)
NEEDS_REPLY_DISTRESS_SCORE = env_float("NEEDS_REPLY_DISTRESS_SCORE", 0.35)

# --- Meetings (meetings/) ----------------------------------------------------
# A reminder reaches the member's inbox (and push) this long before a meeting.
MEETINGS_REMIND_MINUTES = env_int("MEETINGS_REMIND_MINUTES", 10)
# The home page and a room show meetings starting within this many minutes.
MEETINGS_SOON_MINUTES = env_int("MEETINGS_SOON_MINUTES", 60)
# No host this long after the start: "host running late" and on-duty facilitators
# are alerted; this long: the meeting is cancelled with a kind note.
MEETINGS_HOST_LATE_MINUTES = env_int("MEETINGS_HOST_LATE_MINUTES", 5)
MEETINGS_CANCEL_MINUTES = env_int("MEETINGS_CANCEL_MINUTES", 15)
# A live meeting its host never ended closes this long after its end.
MEETINGS_OVERRUN_MINUTES = env_int("MEETINGS_OVERRUN_MINUTES", 30)
# The slow mode a host turns on for the meeting (seconds between a member's messages).
MEETINGS_SLOW_MODE_SECONDS = env_int("MEETINGS_SLOW_MODE_SECONDS", 30)
# During a check-in round, a message from someone without the floor is refused
# with this retry_after; the browser keeps it and tries again after it.
MEETINGS_FLOOR_RETRY_SECONDS = env_int("MEETINGS_FLOOR_RETRY_SECONDS", 5)
