"""The labelled training corpus for the stage-2 model, and its fixed split.

The corpus lives in ``data/corpus/*.jsonl`` (one message a line, the format of
``/work/crisis-label-spec.md``, reproduced in docs/safety.md). It was written in
independent batches, one writer per file prefix (``c1`` to ``c6``).

:func:`split` puts every message of the first four writers (``SPLIT_PREFIXES``),
by a seeded hash of its text, either in the training part (about 80 %) or the
held-out part (about 20 %). The assignment depends only on the text, so it
never changes when files are added or reordered. Writers added later (``c5``,
``c6``) are training only, so the held-out part stays exactly what it was; a
later message whose text is also in the held-out part (ignoring case and
spacing) is left out of training, so nothing leaks. Nothing is tuned on the
held-out part: it is only measured (``bench/crisis_eval.py --split heldout``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .datafile import DATA_DIR

__all__ = ["CORPUS_DIR", "HELDOUT_SHARE", "load_corpus", "split"]

CORPUS_DIR = DATA_DIR / "corpus"
HELDOUT_SHARE = 0.20
_SEED = b"kindred-crisis-split-1:"
# Writers whose messages are split; later writers' files are training only.
SPLIT_PREFIXES = ("c1-", "c2-", "c3-", "c4-")


def load_corpus(directory: Path | None = None) -> list[dict]:
    """Every labelled message in ``directory`` (sorted by file, then line)."""
    rows: list[dict] = []
    for path in sorted((directory or CORPUS_DIR).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            row["source"] = f"{path.name}:{number}"
            rows.append(row)
    return rows


def is_heldout(text: str) -> bool:
    digest = hashlib.sha256(_SEED + text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") < HELDOUT_SHARE * 2**32


def _in_split(row: dict) -> bool:
    return row.get("source", "").startswith(SPLIT_PREFIXES)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(training, held-out) parts of ``rows``."""
    heldout = [r for r in rows if _in_split(r) and is_heldout(r["text"])]
    seen = {_key(r["text"]) for r in heldout}
    train = [
        r
        for r in rows
        if not (_in_split(r) and is_heldout(r["text"])) and _key(r["text"]) not in seen
    ]
    return train, heldout
