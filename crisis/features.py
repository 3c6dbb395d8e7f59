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

__all__ = ["MAX_CHARS", "NGRAM_RANGE", "extract", "feature_strings"]

NGRAM_RANGE = (2, 5)
# Only the first MAX_CHARS characters are featurised: keeps the cost bounded
# for a maximum-length message; stage 1 still reads every character.
MAX_CHARS = 1000
_WORD = re.compile(r"[a-z0-9']+")


def feature_strings(text: str) -> list[str]:
    """The distinct features of ``text``, in a stable order."""
    norm = " " + normalize(text[: MAX_CHARS * 2])[:MAX_CHARS] + " "
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
