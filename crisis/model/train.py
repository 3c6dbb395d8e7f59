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

The full detector's thresholds (:class:`crisis.model.cv.Policy`: the model
threshold, the stricter one after a cancel cue, and the lexicon veto) are
chosen by cross-validation inside the training part, one fold per writer
(:mod:`crisis.model.cv`): the best cross-validated recall with a
false-positive rate within ``--max-fpr`` (0.04, a little under the 0.05
target on unseen text). ``--cv-only`` prints those figures and writes nothing.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import sys
from pathlib import Path

from .. import detector
from ..corpus import CORPUS_DIR, load_corpus, split
from ..features import NGRAM_RANGE, extract
from . import CLASSES, DEFAULT_MODEL_PATH, MAGIC, Model, cv

BITS = 18
C = 100.0
# The target on unseen text is a false-positive rate <= 0.05; the thresholds
# aim a little lower, because cross-validated figures flatter a little.
MAX_FPR = 0.04
DEFAULT_POLICY = cv.Policy(0.5, 0.9, 0.0)


@functools.lru_cache(maxsize=20_000)
def _row_buckets(text: str, bits: int) -> tuple[int, ...]:
    return tuple(sorted(set(extract(text, bits)[0])))


def _buckets(rows, bits):
    return [list(_row_buckets(row["text"], bits)) for row in rows]


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


def quantise(coef, intercept, bits, policy=DEFAULT_POLICY, extra=None) -> bytes:
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
        "threshold": round(policy.threshold, 4),
        "veto_threshold": round(policy.cancelled, 4),
        "lexicon_veto": round(policy.veto, 4),
        **(extra or {}),
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + head + b"\n" + q.astype(np.int8).tobytes()


def build_model(rows, bits=BITS, c=C, policy=DEFAULT_POLICY, extra=None) -> Model:
    from . import parse_model

    coef, intercept = fit(rows, bits, c)
    return Model(*parse_model(quantise(coef, intercept, bits, policy, extra)))


def cross_validate(train, always, bits, c, max_fpr):
    """Grouped out-of-fold scores, stage-1 examinations and the chosen policy."""
    lexicon = detector.load_lexicon(detector.DEFAULT_LEXICON_PATH)
    exams = [lexicon.examine(r["text"]) for r in train]
    scores = cv.grouped_scores(train, lambda part: build_model(part, bits, c), always=always)
    return exams, scores, cv.choose_policy(train, exams, scores, max_fpr)


def print_report(train, exams, scores, policy) -> None:
    """The CV figures of stage 1 alone, stage 2 alone and the full detector."""
    bare = [type(e)(type(e.verdict)()) for e in exams]  # as if no rule existed
    for title, rows_exams, p in [
        ("lexicon alone", exams, cv.Policy(2.0, 2.0, 0.0)),
        ("model alone, at the chosen threshold", bare, policy),
        ("full detector, chosen policy", exams, policy),
    ]:
        print(f"\n#### {title}\n")
        cv.report(train, rows_exams, scores, p)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--bits", type=int, default=BITS)
    parser.add_argument("-C", type=float, default=C)
    parser.add_argument("--max-fpr", type=float, default=MAX_FPR)
    parser.add_argument("--cv-only", action="store_true", help="print CV figures only")
    parser.add_argument(
        "--no-project-corpus",
        action="store_true",
        help="train on the JSONL corpus only, without tests/crisis/corpus.py",
    )
    args = parser.parse_args(argv)

    rows = load_corpus(args.corpus)
    train, heldout = split(rows)
    always = [] if args.no_project_corpus else project_corpus()
    exams, scores, policy = cross_validate(train, always, args.bits, args.C, args.max_fpr)
    recall, fpr = cv.figures(train, exams, scores, policy)
    print_report(train, exams, scores, policy)
    if args.cv_only:
        return 0
    train += always
    digest = hashlib.sha256()
    for r in train:
        digest.update(json.dumps(r, sort_keys=True).encode())
    extra = {
        "version": digest.hexdigest()[:12],
        "trained_on": f"{len(train)} messages (training part of {len(rows)})",
        "corpus_sha256": digest.hexdigest(),
        "C": args.C,
        "cv": f"grouped by writer: recall {recall:.3f}, false-positive rate {fpr:.3f}",
    }
    blob = quantise(*fit(train, args.bits, args.C), args.bits, policy, extra)
    args.out.write_bytes(blob)
    print(
        f"trained on {len(train)} messages ({len(heldout)} held out, not used); {policy}; "
        f"grouped CV recall {recall:.3f}, FPR {fpr:.3f}; wrote {args.out} ({len(blob):,} bytes)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
