"""Measure the crisis detector on a labelled JSONL batch, printing figures only.

Usage (from the repository root)::

    python bench/crisis_eval.py BATCH.jsonl [BATCH.jsonl ...] [--stage lexicon|model|full]
    python bench/crisis_eval.py --split heldout [--stage ...]   # the corpus's held-out part

Each line of a batch is ``{"text", "crisis", "category", "style", "lang"}``
(the format of ``crisis/data/corpus/``). The script never prints a
message: blind batches stay blind to whoever reads its output. It prints, per
batch and over all batches, recall and false-positive rate overall, recall per
category, per style and per language, and how often a caught message got the
right category.

``--stage lexicon`` measures the phrase lexicon alone (``scan``); ``--stage
model`` the learned classifier alone; ``--stage full`` (the default) measures
what the message path runs, ``detect`` (lexicon, then model).

``--split heldout`` (or ``train``) measures that part of the training corpus
in ``crisis/data/corpus`` (see ``crisis.corpus``).
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
os.environ.setdefault("DEBUG", "1")


def _detector(stage: str) -> Callable[[str], str | None]:
    """Return text -> category or None for the chosen stage."""
    import django

    django.setup()
    import crisis as crisis

    if stage == "full":
        return lambda text: crisis.detect(text).category
    if stage == "model":
        from crisis.full import model_verdict

        return lambda text: model_verdict(text).category
    return lambda text: crisis.scan(text).category


def _read(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{number}: not JSON ({exc.msg})") from exc
    return rows


class Tally:
    """Counts for one slice: positives caught, negatives flagged."""

    def __init__(self) -> None:
        self.pos = self.caught = self.right_category = self.neg = self.false_alarms = 0

    def add(self, row: dict, found: str | None) -> None:
        if row["crisis"]:
            self.pos += 1
            if found:
                self.caught += 1
                self.right_category += found == row["category"]
        else:
            self.neg += 1
            self.false_alarms += found is not None

    def recall(self) -> str:
        return f"{self.caught / self.pos:.3f}" if self.pos else "–"

    def fpr(self) -> str:
        return f"{self.false_alarms / self.neg:.3f}" if self.neg else "–"

    def row(self, name: str) -> str:
        category = f"{self.right_category / self.caught:.3f}" if self.caught else "–"
        return f"| {name} | {self.pos} | {self.recall()} | {category} | {self.neg} | {self.fpr()} |"


def _report(title: str, rows: list[dict], found: list[str | None]) -> None:
    slices: dict[str, Tally] = defaultdict(Tally)
    for row, verdict in zip(rows, found, strict=True):
        keys = ["all", f"lang:{row.get('lang', '?')}", f"style:{row.get('style', '?')}"]
        if row["crisis"]:
            keys.append(f"category:{row['category']}")
        for key in keys:
            slices[key].add(row, verdict)
    print(f"\n### {title}\n")
    print("| slice | positives | recall | right category | negatives | false-positive rate |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for key in sorted(slices, key=lambda k: (k != "all", k)):
        print(slices[key].row(key))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("batches", nargs="*", type=Path)
    parser.add_argument("--stage", choices=("lexicon", "model", "full"), default="full")
    parser.add_argument("--split", choices=("heldout", "train"))
    args = parser.parse_args(argv)
    if not args.batches and not args.split:
        parser.error("give batch files or --split")
    detect = _detector(args.stage)
    sets: list[tuple[str, list[dict]]] = [(path.name, _read(path)) for path in args.batches]
    if args.split:
        from crisis.corpus import load_corpus, split

        train, heldout = split(load_corpus())
        sets.append((f"corpus {args.split} part", heldout if args.split == "heldout" else train))
    every_row: list[dict] = []
    every_found: list[str | None] = []
    for name, rows in sets:
        found = [detect(row["text"]) for row in rows]
        _report(f"{name} (stage: {args.stage})", rows, found)
        every_row += rows
        every_found += found
    if len(sets) > 1:
        _report(f"all batches (stage: {args.stage})", every_row, every_found)


if __name__ == "__main__":
    main()
