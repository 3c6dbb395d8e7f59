"""Train the stage-2 model: ``python -m moderation.crisis.model.train``.

(``make crisis-model`` runs this.) Needs scikit-learn, which only training
needs; the server reads the exported weights without it.

Reads ``moderation/crisis/data/corpus/*.jsonl``, keeps only the training part
of the fixed split (:func:`moderation.crisis.corpus.split`), fits a
multinomial logistic regression on hashed character n-grams
(:mod:`moderation.crisis.features`), quantises the weights to one signed byte
each, and writes ``moderation/crisis/data/model.kcm``. The same corpus gives a
byte-identical file: the solver is deterministic and nothing random is used.

The decision threshold and the veto threshold (used when stage 1 saw a
cancel cue) are chosen by 5-fold cross-validation inside the training part:
the lowest thresholds whose cross-validated false-positive rate for the full
detector stays within ``--max-fpr``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

from ..corpus import CORPUS_DIR, load_corpus, split
from ..features import NGRAM_RANGE, extract
from . import CLASSES, DEFAULT_MODEL_PATH, MAGIC, Model

BITS = 18
C = 20.0


def _matrix(rows, bits):
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for row in rows:
        idx = sorted(set(extract(row["text"], bits)[0]))
        value = 1.0 / math.sqrt(len(idx)) if idx else 0.0
        indices.extend(idx)
        data.extend([value] * len(idx))
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(data), np.array(indices), np.array(indptr)), shape=(len(rows), 1 << bits)
    )


def _labels(rows):
    return [CLASSES.index(r["category"]) if r["crisis"] else 0 for r in rows]


def fit(rows, bits=BITS, c=C):
    """Fitted float weights (classes x buckets) and biases."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=3000, tol=1e-6)
    clf.fit(_matrix(rows, bits), _labels(rows))
    return clf.coef_, clf.intercept_


def quantise(coef, intercept, bits, threshold=0.5, veto=0.9, extra=None) -> bytes:
    import numpy as np

    scales = [float(np.abs(w).max() / 127.0) or 1.0 for w in coef]
    q = np.vstack([np.clip(np.rint(w / s), -127, 127) for w, s in zip(coef, scales, strict=True)])
    header = {
        "format": 1,
        "classes": list(CLASSES),
        "bits": bits,
        "ngram_range": list(NGRAM_RANGE),
        "scales": [round(s, 9) for s in scales],
        "biases": [round(float(b), 6) for b in intercept],
        "threshold": round(threshold, 4),
        "veto_threshold": round(veto, 4),
        **(extra or {}),
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + head + b"\n" + q.astype(np.int8).tobytes()


def build_model(rows, bits=BITS, c=C, threshold=0.5, veto=0.9, extra=None) -> Model:
    from . import parse_model

    coef, intercept = fit(rows, bits, c)
    return Model(*parse_model(quantise(coef, intercept, bits, threshold, veto, extra)))


def _cross_validated(rows, bits, c, folds=5):
    """Out-of-fold crisis scores and stage-1 examinations for ``rows``."""
    from .. import detector

    lexicon = detector.load_lexicon(detector.DEFAULT_LEXICON_PATH)
    scores = [0.0] * len(rows)
    for k in range(folds):
        train = [r for i, r in enumerate(rows) if i % folds != k]
        model = build_model(train, bits, c)
        for i, r in enumerate(rows):
            if i % folds == k:
                scores[i] = model.predict(r["text"], explain=False).score
    exams = [lexicon.examine(r["text"]) for r in rows]
    return scores, exams


def choose_thresholds(rows, scores, exams, max_fpr):
    """Lowest thresholds keeping the full detector's CV false-positive rate
    within ``max_fpr``; then the veto threshold for cue-cancelled messages."""
    negatives = [i for i, r in enumerate(rows) if not r["crisis"]]
    lexicon_fp = sum(1 for i in negatives if exams[i].verdict.flagged)

    def fpr(threshold, veto):
        fp = lexicon_fp
        for i in negatives:
            e = exams[i]
            if e.verdict.flagged:
                continue
            limit = veto if e.cancelled is not None else threshold
            fp += scores[i] >= limit
        return fp / len(negatives)

    grid = [x / 100 for x in range(20, 100)]
    threshold = next((t for t in grid if fpr(t, 1.01) <= max_fpr), 0.99)
    veto = next((v for v in grid if v >= threshold and fpr(threshold, v) <= max_fpr), 0.99)
    return threshold, veto


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--bits", type=int, default=BITS)
    parser.add_argument("-C", type=float, default=C)
    parser.add_argument("--max-fpr", type=float, default=0.03)
    args = parser.parse_args(argv)

    rows = load_corpus(args.corpus)
    train, heldout = split(rows)
    scores, exams = _cross_validated(train, args.bits, args.C)
    threshold, veto = choose_thresholds(train, scores, exams, args.max_fpr)
    digest = hashlib.sha256()
    for r in train:
        digest.update(json.dumps(r, sort_keys=True).encode())
    extra = {
        "version": digest.hexdigest()[:12],
        "trained_on": f"{len(train)} messages (training part of {len(rows)})",
        "corpus_sha256": digest.hexdigest(),
        "C": args.C,
    }
    coef, intercept = fit(train, args.bits, args.C)
    blob = quantise(coef, intercept, args.bits, threshold, veto, extra)
    args.out.write_bytes(blob)
    print(
        f"trained on {len(train)} messages ({len(heldout)} held out, not used); "
        f"threshold {threshold}, veto {veto}; wrote {args.out} ({len(blob):,} bytes)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
