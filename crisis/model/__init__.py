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
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path

from ..datafile import DATA_DIR
from ..features import bucket_indices, extract

__all__ = ["DEFAULT_MODEL_PATH", "MAGIC", "Model", "ModelError", "Prediction", "load_model"]

DEFAULT_MODEL_PATH = DATA_DIR / "model.kcm"
MAGIC = b"KINDRED-CRISIS-MODEL 1\n"
CLASSES = ("ok", "suicide", "self_harm", "overdose", "violence")

# Adding up the message's weights is most of a prediction's cost, so the five
# classes' weights of a bucket are packed into 64-bit words, three and two to a
# word, FIELD_BITS each, offset by +128 so that no field goes negative: one sum()
# then adds three classes at once, in C integers. A field can hold the sum of
# 2**FIELD_BITS // 256 (8,192) features, more than a message can have (about
# five per character of features.MAX_CHARS), so the sums come back exact.
FIELD_BITS = 21
_FIELD_MASK = (1 << FIELD_BITS) - 1
_PACKS = ((0, 1, 2), (3, 4))


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
        tables = [weights[i * size : (i + 1) * size] for i in range(len(self.classes))]
        self._packed = [_pack([tables[k] for k in pack]) for pack in _PACKS]

    def __repr__(self) -> str:
        return f"<Model version={self.version!r} bits={self.bits} threshold={self.threshold}>"

    def weight(self, k: int, index: int) -> int:
        """Class ``k``'s signed weight for bucket ``index``."""
        for packed, pack in zip(self._packed, _PACKS, strict=True):
            if k in pack:
                return (packed[index] >> (FIELD_BITS * pack.index(k)) & _FIELD_MASK) - 128
        raise IndexError(k)

    def sums(self, indices: list[int]) -> list[int]:
        """Each class's sum of weights over ``indices``."""
        out = []
        offset = 128 * len(indices)
        for packed, pack in zip(self._packed, _PACKS, strict=True):
            total = sum(map(packed.__getitem__, indices))
            out += [(total >> (FIELD_BITS * j) & _FIELD_MASK) - offset for j in range(len(pack))]
        return out

    def predict(self, text: str, *, explain: bool = True) -> Prediction:
        if explain:
            indices, features = extract(text, self.bits)
        else:
            indices, features = bucket_indices(text, self.bits), []
        if not indices:
            indices, features = [0], [""]
        norm = 1.0 / math.sqrt(len(indices))
        logits = [
            bias + scale * norm * total
            for total, scale, bias in zip(self.sums(indices), self.scales, self.biases, strict=True)
        ]
        top_logit = max(logits)
        exps = [math.exp(z - top_logit) for z in logits]
        total = sum(exps)
        probs = {c: e / total for c, e in zip(self.classes, exps, strict=True)}
        category = max(self.classes[1:], key=probs.__getitem__)
        top: tuple[str, ...] = ()
        if explain:
            k = self.classes.index(category)
            weight = self.weight
            # How much each feature favours this category over "ok".
            pushes = sorted(
                zip(indices, features, strict=True),
                key=lambda f: self.scales[0] * weight(0, f[0]) - self.scales[k] * weight(k, f[0]),
            )
            top = tuple(_readable(f) for _, f in pushes[:4])
        return Prediction(1.0 - probs["ok"], category, probs, top)


def _pack(tables: list[bytes]) -> array:
    """One unsigned 64-bit word per bucket holding each table's signed byte,
    offset by +128, in FIELD_BITS-wide fields (the first table lowest).

    Built as big integers, a whole table at a time: each table is spread to one
    byte in eight and shifted into its field; the fields never overlap, so
    adding them up is the same as or-ing them bucket by bucket."""
    offset = bytes(range(128, 256)) + bytes(range(128))  # signed byte -> byte + 128
    total = 0
    for j, table in enumerate(tables):
        spread = bytearray(8 * len(table))
        spread[::8] = table.translate(offset)
        total += int.from_bytes(spread, "little") << (FIELD_BITS * j)
    words = array("Q", total.to_bytes(8 * len(tables[0]), "little"))
    if sys.byteorder == "big":
        words.byteswap()
    return words


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
