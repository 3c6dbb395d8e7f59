"""Cross-validation of the full detector, grouped by writer
(``python -m crisis.model.train --cv-only`` prints the figures).

The training part of the corpus was written in independent batches, one
writer per file prefix (``c1-*``, ``c2-*`` ...). Folds are whole writers:
each writer's messages are scored by a model trained on the *other* writers
(plus the project's own corpus, which is always in training and never scored).
A writer's habits (favourite words, typos, message length) therefore never
help score that writer's own other lines, which is what "unseen text" means
for Kindred: members will not write like any of our writers.

The thresholds of the full detector (see :mod:`crisis.full`) are chosen on
these out-of-fold scores by :func:`choose_policy`; :func:`report` prints the
figures they give. The held-out part is never read here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

__all__ = ["Policy", "choose_policy", "decide", "grouped_scores", "writer"]


@dataclass(frozen=True)
class Policy:
    """The full detector's thresholds on the model's crisis score.

    * ``threshold``: flags a message no rule matched;
    * ``cancelled``: flags a message whose rule match a cue cancelled
      (negated, past, reported): the model must be surer;
    * ``veto``: a rule match is dropped when the model is below this, i.e.
      almost certain the message is not a crisis (0 disables the veto).
    """

    threshold: float
    cancelled: float
    veto: float


def writer(row: dict) -> str:
    """The group a row belongs to: its file prefix (one writer per prefix)."""
    source = row.get("source", "")
    return source.split("-", 1)[0] if "-" in source else source or "project"


def grouped_scores(rows: list[dict], fit, *, always: list[dict] = ()) -> list[float]:
    """Out-of-fold crisis scores for ``rows``, one fold per writer.

    ``fit(training_rows) -> Model``; ``always`` rows are added to every
    training fold and never scored."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[writer(row)].append(i)
    scores = [0.0] * len(rows)
    for name in sorted(groups):
        held = set(groups[name])
        model = fit([r for i, r in enumerate(rows) if i not in held] + list(always))
        for i in groups[name]:
            scores[i] = model.predict(rows[i]["text"], explain=False).score
    return scores


def decide(flagged: bool, cancelled: bool, score: float, policy: Policy) -> bool:
    """Whether the full detector flags a message (mirrors crisis.full.detect)."""
    if flagged:
        return score >= policy.veto
    return score >= (policy.cancelled if cancelled else policy.threshold)


def figures(rows, exams, scores, policy: Policy) -> tuple[float, float]:
    """(recall, false-positive rate) of the full detector under ``policy``."""
    pos = neg = caught = alarms = 0
    for row, exam, score in zip(rows, exams, scores, strict=True):
        hit = decide(exam.verdict.flagged, exam.cancelled is not None, score, policy)
        if row["crisis"]:
            pos, caught = pos + 1, caught + hit
        else:
            neg, alarms = neg + 1, alarms + hit
    return caught / max(pos, 1), alarms / max(neg, 1)


VETOES = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08)


def choose_policy(rows, exams, scores, max_fpr: float) -> Policy:
    """The policy with the best cross-validated recall whose false-positive
    rate stays within ``max_fpr`` (ties: the higher, more cautious veto is
    not preferred; the lowest veto and thresholds win)."""
    grid = [x / 100 for x in range(10, 100)]
    best, best_recall = Policy(0.99, 0.99, 0.0), -1.0
    for veto in VETOES:
        for t in grid:
            for c in (t, round((1 + t) / 2, 2), round((3 + t) / 4, 2)):
                policy = Policy(t, c, veto)
                recall, fpr = figures(rows, exams, scores, policy)
                if fpr <= max_fpr and recall > best_recall + 1e-9:
                    best, best_recall = policy, recall
    return best


def report(rows, exams, scores, policy: Policy) -> None:
    """Print CV recall and false-positive rate overall and per slice."""
    slices: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row, exam, score in zip(rows, exams, scores, strict=True):
        hit = decide(exam.verdict.flagged, exam.cancelled is not None, score, policy)
        keys = ["all", f"lang:{row.get('lang')}", f"writer:{writer(row)}"]
        keys += [f"category:{row['category']}" if row["crisis"] else f"style:{row.get('style')}"]
        for key in keys:
            t = slices[key]
            if row["crisis"]:
                t[0], t[1] = t[0] + 1, t[1] + hit
            else:
                t[2], t[3] = t[2] + 1, t[3] + hit
    print(f"policy: {policy}")
    print("| slice | positives | recall | negatives | false-positive rate |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for key in sorted(slices, key=lambda k: (k != "all", k)):
        p, c, n, a = slices[key]
        recall = f"{c / p:.3f}" if p else "–"
        fpr = f"{a / n:.3f}" if n else "–"
        print(f"| {key} | {p} | {recall} | {n} | {fpr} |")
