"""One-time recovery phrases: generated once, shown once, stored only as a hash.

The phrase is six words from a list of 170 (about 44 bits); it is stored as a
salted scrypt hash, so a stolen database does not hand out handles, and
attempts to use one are rate limited per handle.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

from django.conf import settings

from community.words import RECOVERY_WORDS

_ALGORITHM = "scrypt"


def _params() -> tuple[int, int, int]:
    return getattr(settings, "RECOVERY_HASH_SCRYPT", (2**14, 8, 1))


def generate_phrase() -> str:
    count = settings.RECOVERY_PHRASE_WORDS
    return " ".join(secrets.choice(RECOVERY_WORDS) for _ in range(count))


def normalise_phrase(phrase: str) -> str:
    """Forgive case, extra spaces, hyphens and commas people add when typing it back."""
    cleaned = phrase.lower().replace("-", " ").replace(",", " ").replace(".", " ")
    return " ".join(cleaned.split())


def _derive(phrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        normalise_phrase(phrase).encode(), salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=32
    )


def hash_phrase(phrase: str) -> str:
    n, r, p = _params()
    salt = secrets.token_bytes(16)
    digest = _derive(phrase, salt, n, r, p)
    b64 = base64.b64encode
    return f"{_ALGORITHM}${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


@functools.cache
def _dummy_hash() -> str:
    return hash_phrase("kindred")


def check_phrase_timing_only(phrase: str) -> None:
    """Spend the time a real check would, so a missing handle isn't revealed by speed."""
    check_phrase(phrase, _dummy_hash())


def check_phrase(phrase: str, encoded: str) -> bool:
    try:
        algorithm, n, r, p, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if algorithm != _ALGORITHM:
        return False
    candidate = _derive(phrase, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(candidate, base64.b64decode(digest))
