"""Stage 2: a character n-gram linear classifier, with inference in pure Python.

The model file (``data/model.kcm``) is a small binary written by
``crisis.model.train`` (``make crisis-model``): a magic line, a JSON
header (classes, bucket count, per-class scale and bias, threshold, where the
training data came from), then one signed byte per (class, bucket). No pickle,
no scikit-learn at run time: :func:`load_model` reads the weights into
``array('b')`` tables, and :meth:`Model.predict` adds up the weights of the
message's hashed features (see :mod:`crisis.features`).
"""

from __future__ import annotations

import functools
import json
import math
from array import array
from dataclasses import dataclass
from pathlib import Path

from ..datafile import DATA_DIR
from ..features import extract

__all__ = ["DEFAULT_MODEL_PATH", "MAGIC", "Model", "ModelError", "Prediction", "load_model"]

DEFAULT_MODEL_PATH = DATA_DIR / "model.kcm"
MAGIC = b"KINDRED-CRISIS-MODEL 1\n"
CLASSES = ("ok", "suicide", "self_harm", "overdose", "violence")


class ModelError(ValueError):
    """The model file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """The model's view of one message.

    ``score`` is the probability that the message is a crisis of any kind
    (1 - P(ok)); ``category`` the most likely crisis category; ``top`` the
    features that pushed hardest towards that category (for facilitators).
    """

    score: float
    category: str
    probabilities: dict[str, float]
    top: tuple[str, ...]


class Model:
    """A loaded stage-2 model. Build with :func:`load_model`."""

    def __init__(self, header: dict, weights: bytes) -> None:
        self.header = header
        self.bits = int(header["bits"])
        self.classes = tuple(header["classes"])
        if self.classes != CLASSES:
            raise ModelError(f"model classes {self.classes} are not {CLASSES}")
        size = 1 << self.bits
        if len(weights) != size * len(self.classes):
            raise ModelError("model file is truncated or has the wrong size")
        self.scales = [float(s) for s in header["scales"]]
        self.biases = [float(b) for b in header["biases"]]
        self.threshold = float(header["threshold"])
        self.veto_threshold = float(header["veto_threshold"])
        # Below this score a lexicon match is dropped as a likely false alarm
        # (0: never). Older model files have no such field.
        self.lexicon_veto = float(header.get("lexicon_veto", 0.0))
        self.version = header.get("version")
        self._tables = [
            array("b", weights[i * size : (i + 1) * size]) for i in range(len(self.classes))
        ]

    def __repr__(self) -> str:
        return f"<Model version={self.version!r} bits={self.bits} threshold={self.threshold}>"

    def predict(self, text: str, *, explain: bool = True) -> Prediction:
        indices, features = extract(text, self.bits)
        if not indices:
            indices, features = [0], [""]
        norm = 1.0 / math.sqrt(len(indices))
        logits = []
        for table, scale, bias in zip(self._tables, self.scales, self.biases, strict=True):
            logits.append(bias + scale * norm * sum(map(table.__getitem__, indices)))
        top_logit = max(logits)
        exps = [math.exp(z - top_logit) for z in logits]
        total = sum(exps)
        probs = {c: e / total for c, e in zip(self.classes, exps, strict=True)}
        category = max(self.classes[1:], key=probs.__getitem__)
        top: tuple[str, ...] = ()
        if explain:
            k = self.classes.index(category)
            table, ok = self._tables[k], self._tables[0]
            # How much each feature favours this category over "ok".
            pushes = sorted(
                zip(indices, features, strict=True),
                key=lambda f: self.scales[0] * ok[f[0]] - self.scales[k] * table[f[0]],
            )
            top = tuple(_readable(f) for _, f in pushes[:4])
        return Prediction(1.0 - probs["ok"], category, probs, top)


def _readable(feature: str) -> str:
    return repr(feature[1:]) if feature.startswith("c") else repr(feature[2:])


def parse_model(data: bytes) -> tuple[dict, bytes]:
    if not data.startswith(MAGIC):
        raise ModelError("not a Kindred crisis model file (bad magic line)")
    rest = data[len(MAGIC) :]
    end = rest.find(b"\n")
    if end < 0:
        raise ModelError("model header is missing")
    try:
        header = json.loads(rest[:end])
    except json.JSONDecodeError as exc:
        raise ModelError(f"model header is not JSON: {exc.msg}") from exc
    return header, rest[end + 1 :]


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> Model:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read model {path}: {exc.strerror or exc}") from exc
    header, weights = parse_model(data)
    try:
        return Model(header, weights)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"model {path} is malformed: {exc}") from exc


def load_model(path: str | Path | None = None) -> Model:
    """Load (and cache per path and modification time) a model file."""
    resolved = Path(path) if path is not None else DEFAULT_MODEL_PATH
    try:
        st = resolved.stat()
    except OSError as exc:
        raise ModelError(f"cannot read model {resolved}: {exc.strerror or exc}") from exc
    return _load(str(resolved), st.st_mtime_ns, st.st_size)
