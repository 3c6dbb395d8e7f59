"""Kindred's own limits, each overridable by the environment variable of its name.

A setting written ``NAME: type = default`` is read from the environment variable
``NAME`` as its type says, at the end of this module (``override_from_environment``);
one written ``NAME = value`` is fixed.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, env_bool, override_from_environment

# --- Kindred limits ---------------------------------------------------------------
HANDLE_MIN_LENGTH = 3
HANDLE_MAX_LENGTH = 24
MESSAGE_MAX_LENGTH: int = 2000
MESSAGE_RATE_LIMIT: str = "8/10s"
HISTORY_ON_CONNECT: int = 50
# Messages in a room page's own HTML (shown before any script runs); the socket then
# resumes after the last of them. As many as the welcome's history by default, so the
# first welcome brings nothing the page must render again. 0: none.
HISTORY_IN_PAGE: int = 50
HISTORY_PAGE_MAX: int = 100
WEBSOCKET_MAX_FRAME_BYTES: int = 64 * 1024
# After closing a socket for a protocol error (1009, 1007), keep reading and
# discarding what its client still sends for up to this long, so the close frame
# arrives instead of a TCP reset. 0: close at once.
WEBSOCKET_CLOSE_LINGER_SECONDS: float = 10
# Frames a socket may send per second before it is rate limited, and the number
# of rate-limited frames after which the socket is closed.
SOCKET_FRAME_RATE: int = 30
SOCKET_FLOOD_CLOSE_AFTER: int = 200
# Open sockets one member may hold in one process (tabs, rooms, the dashboard);
# the next is closed with 4429. 0: no limit.
SOCKETS_PER_MEMBER: int = 30
# A connection that hasn't sent its first request's headers after this long is
# dropped (slowloris). 0: no limit.
HTTP_HEADER_TIMEOUT_SECONDS: float = 10
# A socket whose outgoing buffer stays above this many bytes is closed with 4408
# so the client reconnects and resumes instead of the server buffering forever.
SOCKET_SEND_BUFFER_LIMIT: int = 1024 * 1024
# Allocations between two young collections of Python's cyclic collector in a
# server process (realtime/collector.py); Python's own default is 700.
GC_YOUNG_THRESHOLD: int = 50_000
SOCKET_SEND_BUFFER_GRACE_SECONDS: float = 5
# The hub waits this long for an out-of-order predecessor before it reads the
# gap from the database.
HUB_GAP_WAIT_SECONDS: float = 0.5
# Who may read this process's timings at /metrics/ (send "Authorization: Bearer
# <token>"); empty: the page does not exist.
METRICS_TOKEN: str = ""
# When messages for a room pile up faster than the hub writes them, it writes up
# to this many to each socket in one go (one system call instead of many).
HUB_BATCH_MAX_MESSAGES: int = 64
# A room's sockets are written to at most once per this interval: a message
# arriving sooner after the last write waits for the rest of it and goes out
# with whatever joins it (one system call per socket for several messages).
# The first message after a quiet spell goes at once; 0 writes every message
# as soon as it is delivered.
HUB_ROOM_WRITE_INTERVAL_SECONDS: float = 0.04
# Bus events (stored messages, presence, notices) waiting in this process for
# Redis; beyond this many the sender publishes itself (realtime.publisher).
BUS_PUBLISH_QUEUE_MAX: int = 10_000
# Room events (messages, presence, room frames) travel on BUS_SHARDS channels, a
# room's shard being its id modulo BUS_SHARDS; a process listens only to the
# shards of rooms it has sockets in, and lets go of a shard this long after its
# last such socket left (a quick reconnect doesn't resubscribe). Member, topic
# and close events travel on one channel every process listens to.
# BUS_PUBSUB: "classic" (PUBLISH/SUBSCRIBE) or "sharded" (Redis 7's
# SPUBLISH/SSUBSCRIBE, the form Redis Cluster spreads over its nodes); the
# channel names are the same either way (docs/scaling.md).
BUS_SHARDS: int = 16
BUS_SHARD_LINGER_SECONDS: float = 30
BUS_PUBSUB: str = "classic"
RECOVERY_PHRASE_WORDS = 6
BLOCKED_WORDS_PATH: str = str(BASE_DIR / "community" / "data" / "blocked_words.txt")

# Recovery attempts per attacker, checked before a phrase is hashed: on one handle
# from one client (its address, as a keyed hash, and its device cookie), and per
# client whatever the handle.
RECOVERY_ATTEMPTS_PER_HOUR: int = 10
# All clients together, on one handle (its own device spared): only a crowd of
# addresses guessing reaches it.
RECOVERY_ATTEMPTS_PER_HANDLE_PER_HOUR: int = 200
RECOVERY_ATTEMPTS_PER_CLIENT_PER_HOUR: int = 20
# New handles per hour from one browser (its device cookie) and from one network
# address (only ever a keyed hash in the rate limiter, never stored). 0: unlimited.
SESSIONS_CREATED_PER_HOUR: int = 5
RESUME_MAX: int = 1000
BLOCKED_WORDS_REFRESH_SECONDS: int = 30
if env_bool("KINDRED_FAST_HASH"):
    # Test runs only: the same scrypt, with a small work factor.
    RECOVERY_HASH_SCRYPT = (2**8, 8, 1)
# Presence: sockets refresh every PRESENCE_HEARTBEAT_SECONDS; an entry expires
# PRESENCE_TTL_SECONDS after its last refresh (a crashed process's members
# drop out within that time); silent sockets are closed after SOCKET_IDLE_SECONDS.
PRESENCE_HEARTBEAT_SECONDS: float = 20
PRESENCE_TTL_SECONDS: float = 60
PRESENCE_COALESCE_SECONDS: float = 0.25
# Expired entries (a killed process's members) are swept, and their leave
# announced, this often: within TTL + this of the process's last heartbeat.
PRESENCE_SWEEP_SECONDS: float = 1
SOCKET_IDLE_SECONDS: float = 60
# Moderation
REPORT_RATE_LIMIT: str = "10/1h"
# How many of an item's report notes (newest first) facilitators see with it.
QUEUE_ITEM_NOTES_SHOWN: int = 5
MUTE_MAX_MINUTES: int = 60 * 24 * 30
SLOW_MODE_MAX_SECONDS: int = 3600
MODERATION_CONTEXT: int = 5
# Trust levels (moderation/trust.py): a new handle (level 0) can't post links or ask
# for one-on-one chats and sends at NEW_MEMBER_MESSAGE_RATE_LIMIT, until it has been
# here TRUST_MIN_HOURS, has TRUST_MIN_MESSAGES messages not removed, and no warning,
# mute or ban in TRUST_SANCTION_FREE_DAYS. A trusted answer is kept in-process this long.
TRUST_MIN_HOURS: float = 24
TRUST_MIN_MESSAGES: int = 10
TRUST_SANCTION_FREE_DAYS: int = 14
TRUST_CACHE_SECONDS: float = 60
NEW_MEMBER_MESSAGE_RATE_LIMIT: str = "4/10s"
# In rooms marked sensitive, a new handle's (level 0) messages wait for a facilitator's
# quick look until FIRST_POSTS_HELD of theirs there have been shown; one not looked at
# goes to the room by itself after FIRST_POST_WAIT_SECONDS while a facilitator is on
# duty, after FIRST_POST_UNWATCHED_SECONDS when nobody is (moderation/first_posts.py).
FIRST_POSTS_HELD: int = 3
FIRST_POST_WAIT_SECONDS: float = 600
FIRST_POST_UNWATCHED_SECONDS: float = 120
# Sanctions older than this no longer count on the step-up ladder.
SANCTION_LADDER_DAYS: int = 90
# How many of a member's sanctions, and of an item's actions, a queue item shows.
QUEUE_ITEM_SANCTIONS_SHOWN: int = 5
QUEUE_ITEM_HISTORY_SHOWN: int = 20
# Links from handles younger than this many minutes are flagged for review.
LINK_MIN_HANDLE_AGE_MINUTES: int = 60
# Being refused for sending too fast more often than this is flagged ("3/10m":
# a fourth refusal within 10 minutes files an item).
RATE_LIMIT_FLAG_AFTER: str = "3/10m"
# Crisis hand-off (docs/safety.md)
CRISIS_ESCALATE_AFTER: float = 180
CRISIS_WEBHOOK_URL: str = ""
CRISIS_WEBHOOK_ATTEMPTS: int = 4
# When set, every webhook request is signed with it (X-Kindred-Signature,
# HMAC-SHA256 over "<X-Kindred-Timestamp>.<body>"; docs/safety.md).
CRISIS_WEBHOOK_SECRET: str = ""
# An escalation whose page did not get through (webhook failing after all its
# attempts, mail refused, the process gone) is paged again this long after.
CRISIS_PAGE_RETRY_SECONDS: float = 120
CRISIS_ONCALL_EMAILS: list[str] = []
CRISIS_CARD_EVERY: str = "1/30m"
# Stage 2 of crisis detection runs after the ack in one worker thread per
# process (moderation.stage2): messages it may have waiting before a sender
# judges its own message inline, and seconds a shutdown waits for it to finish.
CRISIS_STAGE2_QUEUE: int = 2000
CRISIS_STAGE2_DRAIN_SECONDS: float = 5
# Run the model in a child process (python -m crisis.worker), off this
# process's interpreter lock; off: in the worker thread.
CRISIS_STAGE2_PROCESS: bool = True
# Niceness added to that child: on a busy machine the event loop and the
# senders (members waiting for their ack) go first; its answer has a second.
CRISIS_STAGE2_NICE: int = 10
# The worker gathers the messages that arrive this long after one into one
# batch for the model (at most CRISIS_STAGE2_BATCH): one round trip to its
# process for all of them. A model hit's card waits this much longer.
CRISIS_STAGE2_BATCH_SECONDS: float = 0.02
CRISIS_STAGE2_BATCH: int = 64
#: How far ahead a member may ask for a check-in ("check on me later").
CHECKIN_MAX_AHEAD_HOURS: float = 72
EMAIL_BACKEND: str = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST: str = "localhost"
EMAIL_PORT: int = 25
DEFAULT_FROM_EMAIL: str = "kindred@localhost"
# One-on-one chats and the drop-in line
CHAT_REQUEST_COOLDOWN_HOURS: int = 24
CHAT_REQUEST_EXPIRE_MINUTES: int = 30
CHAT_MAX_OPEN_REQUESTS: int = 5
DROPIN_TIMEOUT_SECONDS: float = 600
# The inbox: items per page of GET /api/inbox/ (items expire with MESSAGE_RETENTION_DAYS).
INBOX_PAGE_SIZE: int = 30
# A member's drop-in joins offered to helpers per minute; later joins in the
# minute wait in the line without an offer (and leave without a withdrawal).
DROPIN_OFFERS_PER_MINUTE: int = 3
# Open drop-in chats one helper may hold at once; the next offer is left for
# someone else (0: no cap).
DROPIN_MAX_CHATS_PER_HELPER: int = 2
# A drop-in request is offered first to helpers who speak its language; after
# this long untaken (or at once when none of them is free) to every helper.
DROPIN_LANGUAGE_FALLBACK_SECONDS: float = 90
# Peer leadership (leadership/, docs/leadership.md): who may apply, the course,
# shadowing, probation, and the care of supporters.
LEADERSHIP_MIN_ACCOUNT_DAYS: int = 30
LEADERSHIP_MIN_ACTIVE_DAYS: int = 10
LEADERSHIP_CLEAN_DAYS: int = 90
LEADERSHIP_SHADOW_HOURS: float = 4
# A shadowing page counts at most this long between two of its pings.
LEADERSHIP_SHADOW_TICK_SECONDS: int = 90
LEADERSHIP_PROBATION_DAYS: int = 30
LEADERSHIP_PASSWORD_LINK_HOURS: int = 72
LEADERSHIP_COURSE_PASS_RATIO: float = 1.0
# The topic room only peer supporters, facilitators and admins see and enter.
LEADERSHIP_SUPPORTERS_ROOM: str = "supporters"
# A peer supporter's shift (open to chats) ends itself after this long.
SUPPORTER_SHIFT_MAX_MINUTES: int = 240
# Web Push (community/push.py): off unless VAPID_PRIVATE_KEY is set (base64url, the raw
# 32-byte P-256 key, e.g. from `vapid --gen`); the public key is derived from it.
VAPID_PRIVATE_KEY: str = ""
VAPID_SUBJECT: str = "mailto:admin@localhost"
PUSH_TIMEOUT_SECONDS: float = 5
# On SIGTERM, how long to wait for clients to receive the 1012 close before exiting.
SHUTDOWN_CLOSE_WAIT_SECONDS: float = 3
# Privacy: messages older than this are deleted by purge_messages (run daily by the
# server processes and available as a command); closed moderation items are kept
# for MODERATION_RETENTION_DAYS with only the excerpt facilitators need.
MESSAGE_RETENTION_DAYS: int = 90
MODERATION_RETENTION_DAYS: int = 180
# Recovery together (recovery/, rooms/reactions.py; docs/protocol.md, "Recovery")
RECOVERY_MAX_JOURNEYS: int = 10
# The topic room where members may share a milestone.
MILESTONES_ROOM: str = "milestones"
# Support reactions a member may give (or take back) per window.
REACTION_RATE_LIMIT: str = "30/1m"
# The daily check-in stops being offered on arrival after this many dismissals.
CHECKIN_PROMPT_DISMISSALS: int = 3
# Days of check-ins the member's chart shows.
CHECKIN_CHART_DAYS: int = 30
PARTNERS_MAX: int = 3
# A partner is nudged when the other has not checked in for this many days.
PARTNER_MISSED_DAYS: int = 3
# "Needs a reply": a newcomer's first message in a room (handles younger than
# NEEDS_REPLY_NEWCOMER_DAYS), or one the crisis model scores at least
# NEEDS_REPLY_DISTRESS_SCORE without flagging it, unanswered this long.
NEEDS_REPLY_MINUTES: float = 10
NEEDS_REPLY_NEWCOMER_DAYS: int = 14
NEEDS_REPLY_DISTRESS_SCORE: float = 0.35

# --- Meetings (meetings/) ----------------------------------------------------
# A reminder reaches the member's inbox (and push) this long before a meeting.
MEETINGS_REMIND_MINUTES: int = 10
# The home page and a room show meetings starting within this many minutes.
MEETINGS_SOON_MINUTES: int = 60
# No host this long after the start: "host running late" and on-duty facilitators
# are alerted; this long: the meeting is cancelled with a kind note.
MEETINGS_HOST_LATE_MINUTES: int = 5
MEETINGS_CANCEL_MINUTES: int = 15
# A live meeting its host never ended closes this long after its end.
MEETINGS_OVERRUN_MINUTES: int = 30
# The slow mode a host turns on for the meeting (seconds between a member's messages).
MEETINGS_SLOW_MODE_SECONDS: int = 30
# During a check-in round, a message from someone without the floor is refused
# with this retry_after; the browser keeps it and tries again after it.
MEETINGS_FLOOR_RETRY_SECONDS: int = 5

override_from_environment(globals())
if BUS_PUBSUB not in ("classic", "sharded") or BUS_SHARDS < 1:
    raise ImproperlyConfigured(
        f"BUS_PUBSUB must be classic or sharded and BUS_SHARDS at least 1, "
        f"got {BUS_PUBSUB!r} and {BUS_SHARDS}"
    )
