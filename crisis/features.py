"""Features for the stage-2 classifier, shared by training and inference.

A message is normalised (:func:`crisis.normalize.normalize`: lower
case, de-obfuscated), padded with a space at each end, and turned into a set
of features:

* character n-grams of 2 to 5 characters over the whole text, spaces included,
  so word starts and ends are visible ("` die`", "`life `") and short phrases
  across a word boundary too ("`o die`");
* words and pairs of neighbouring words.

Each feature is hashed with CRC-32 into one of ``2**bits`` buckets. CRC-32 is
in the standard library, is the same on every platform and in every process
(Python's own ``hash`` is salted per process), and is fast. Features are
binary (present or not) and the vector is scaled to unit length, so a long
message does not outweigh a short one.

Training (``crisis.model.train``) and inference
(``crisis.model``) both call :func:`extract`, so they cannot drift
apart.
"""

from __future__ import annotations

import itertools
import re
import zlib

from .normalize import normalize

__all__ = ["MAX_CHARS", "NGRAM_RANGE", "bucket_indices", "extract", "feature_strings"]

NGRAM_RANGE = (2, 5)
# Only the first MAX_CHARS characters are featurised: keeps the cost bounded
# for a maximum-length message; stage 1 still reads every character.
MAX_CHARS = 1000
_WORD = re.compile(r"[a-z0-9']+")


def _padded(text: str) -> str:
    return " " + normalize(text[: MAX_CHARS * 2])[:MAX_CHARS] + " "


def feature_strings(text: str) -> list[str]:
    """The distinct features of ``text``, in a stable order."""
    return _features_of(_padded(text))


def _features_of(norm: str) -> list[str]:
    low, high = NGRAM_RANGE
    size = len(norm)
    grams = ["c" + norm[i : i + n] for n in range(low, high + 1) for i in range(size - n + 1)]
    words = _WORD.findall(norm)
    grams += ["w " + word for word in words]
    grams += ["b " + a + " " + b for a, b in itertools.pairwise(words)]
    return list(dict.fromkeys(grams))


def extract(text: str, bits: int) -> tuple[list[int], list[str]]:
    """Bucket indices of the features of ``text`` (and the features)."""
    mask = (1 << bits) - 1
    features = feature_strings(text)
    crc = zlib.crc32
    return [crc(f.encode()) & mask for f in features], features


# zlib.crc32(data, start) continues a checksum, so crc32(b"c" + gram) is
# crc32(gram, _SEED_C): the prefixes need not be glued on to every feature.
_SEED_C = zlib.crc32(b"c")
_SEED_W = zlib.crc32(b"w ")
_SEED_B = zlib.crc32(b"b ")


def bucket_indices(text: str, bits: int) -> list[int]:
    """``extract(text, bits)[0]`` in some order, without building the feature
    strings: what the model adds up for every message it judges.

    Features are hashed as UTF-8, so slicing the encoded text gives the same
    n-grams only when it is ASCII (it nearly always is once normalised:
    accents are stripped); otherwise it hashes the feature strings as :func:`extract` does.
    ``tests/crisis/test_model.py`` checks the two agree."""
    norm = _padded(text)
    mask = (1 << bits) - 1
    crc = zlib.crc32
    if not norm.isascii():
        return [crc(f.encode()) & mask for f in _features_of(norm)]
    raw = norm.encode()
    size = len(raw)
    low, high = NGRAM_RANGE
    grams = dict.fromkeys(raw[i : i + n] for n in range(low, high + 1) for i in range(size - n + 1))
    out = [crc(gram, _SEED_C) & mask for gram in grams]
    words = _WORD.findall(norm)
    out += [crc(word.encode(), _SEED_W) & mask for word in dict.fromkeys(words)]
    pairs = dict.fromkeys(itertools.pairwise(words))
    out += [crc(f"{a} {b}".encode(), _SEED_B) & mask for a, b in pairs]
    return out
