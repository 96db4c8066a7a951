"""Polyphonic characters read in context by g2pM's model (Apache 2.0, kakaobrain).

g2pM is a one-layer bidirectional LSTM over characters with a two-layer classifier on the
polyphone's hidden state (the paper: "g2pM: A Neural Grapheme-to-Phoneme Conversion Package
for Mandarin Chinese", 97.3% on its CPP test set). The ``g2pM`` package runs it one sentence
at a time, step by step, in numpy (~4 ms for 50 characters). Here the same weights run
batched: every polyphone of a text that the words leave undecided becomes one row of a batch
(its sentence, cut to a window around it), the input projections are precomputed per
vocabulary entry, both directions share one matmul per step, and the classifier only chooses
among the character's own readings. One text costs one pass of at most ``2 * WINDOW + 2``
steps however many polyphones it has.

The weights load on first use (numpy + 1.6 MB, ~0.1 s); :func:`get_model` is thread-safe and
meant to be called from a worker, never the GUI thread.
"""

from __future__ import annotations

import importlib.util
import logging
import pickle
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# characters kept on each side of the polyphone: as accurate on CPP dev as whole sentences
# (97.36%; 8 on each side is too), and it bounds a pass to 2 * WINDOW + 3 steps
WINDOW = 12
ROWS_PER_PASS = 64  # rows per batched pass (bigger matrices make BLAS start threads)
_BOS, _EOS, _UNK = "시", "끝", "<UNK>"  # g2pM's sentence markers (Korean, as in its vocabulary)


class ModelUnavailable(Exception):
    """The g2pM package (its weight files) is not installed or is unreadable."""


def model_dir() -> Path:
    """The installed ``g2pM`` package's folder (found, not imported)."""
    spec = importlib.util.find_spec("g2pM")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable("the polyphone model package (g2pM) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True, slots=True)
class Query:
    """One polyphone to read: its sentence, its index there, the readings it may take."""

    sentence: str
    index: int
    candidates: tuple[str, ...]


class PolyphoneModel:
    """g2pM's weights with a batched forward pass (see module docstring)."""

    def __init__(self, folder: Path | None = None) -> None:
        import numpy as np

        folder = folder or model_dir()
        try:
            state = _load_pickle(folder / "np_ckpt.pkl")
            char2idx: dict[str, int] = _load_pickle(folder / "char2idx.pkl")
            class2idx: dict[str, int] = _load_pickle(folder / "class2idx.pkl")
            readings: dict[str, list[str]] = _load_pickle(folder / "digest_cedict.pkl")
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            raise ModelUnavailable(f"cannot read the polyphone model in {folder}: {exc}") from exc
        self._np = np
        self.char2idx = char2idx
        self.class2idx = class2idx
        self.classes = [""] * len(class2idx)
        for reading, number in class2idx.items():
            self.classes[number] = reading
        # the characters the model knows to be polyphonic, with their readings
        self.readings = {ch: tuple(r) for ch, r in readings.items() if len(r) > 1}
        f32 = np.float32
        emb = state["embedding.weight"].astype(f32)
        # sigmoid(x) = 0.5 + 0.5 * tanh(x / 2): halving the i, f, o gate rows lets one tanh
        # serve all four gates (PyTorch's gate order: i, f, g, o)
        hidden = state["lstm.weight_hh_l0"].shape[1]
        scale = np.full(4 * hidden, 0.5, dtype=f32)
        scale[2 * hidden : 3 * hidden] = 1.0
        tables, recurrent = [], []
        for suffix in ("", "_reverse"):
            w_ih = state[f"lstm.weight_ih_l0{suffix}"].astype(f32)
            w_hh = state[f"lstm.weight_hh_l0{suffix}"].astype(f32)
            bias = (state[f"lstm.bias_ih_l0{suffix}"] + state[f"lstm.bias_hh_l0{suffix}"]).astype(
                f32
            )
            tables.append((emb @ w_ih.T + bias) * scale)
            recurrent.append((w_hh.T * scale).astype(f32))
        self._tables = np.stack(tables)  # (2, vocabulary, 4h): input projection per character
        self._recurrent = np.stack(recurrent)  # (2, h, 4h)
        self._hidden = hidden
        self._w0 = state["logit_layer.0.weight"].T.astype(f32)
        self._b0 = state["logit_layer.0.bias"].astype(f32)
        self._w1t = np.ascontiguousarray(state["logit_layer.2.weight"].astype(f32))  # (classes, h)
        self._b1 = state["logit_layer.2.bias"].astype(f32)
        self._bos, self._eos = char2idx[_BOS], char2idx[_EOS]
        self._unk = char2idx[_UNK]

    def is_polyphone(self, ch: str) -> bool:
        return ch in self.readings

    def predict(self, queries: Sequence[Query]) -> list[tuple[str, float]]:
        """The likeliest reading of each query among its candidates, with its probability.

        Queries in the same sentence share one pass over it. A query whose candidates the
        model has never seen gets ("", 0.0).
        """
        out: list[tuple[str, float]] = []
        for dist in self.distributions(queries):
            if not dist:
                out.append(("", 0.0))
                continue
            best = max(dist, key=dist.__getitem__)
            out.append((best, dist[best]))
        return out

    def distributions(self, queries: Sequence[Query]) -> list[dict[str, float]]:
        """Each query's probability over its candidates the model knows (``{}``: none), in
        the candidates' order: what a combiner weighs against the words' evidence."""
        np = self._np
        if not queries:
            return []
        rows: dict[tuple[str, int, int], int] = {}
        where: list[tuple[int, int]] = []  # (row, step of the polyphone) per query
        for query in queries:
            lo, hi = 0, len(query.sentence)
            if hi > 2 * WINDOW + 1:
                lo = max(0, min(query.index - WINDOW, hi - 2 * WINDOW - 1))
                hi = lo + 2 * WINDOW + 1
            row = rows.setdefault((query.sentence, lo, hi), len(rows))
            where.append((row, query.index - lo + 1))  # +1: the sentence-start marker
        windows = [sentence[lo:hi] for sentence, lo, hi in rows]
        features = np.zeros((len(queries), 2 * self._hidden), dtype=np.float32)
        for first in range(0, len(windows), ROWS_PER_PASS):
            chunk = windows[first : first + ROWS_PER_PASS]
            forward, backward = self._run(chunk)
            for q, (row, step) in enumerate(where):
                if first <= row < first + ROWS_PER_PASS:
                    b = row - first
                    length = len(chunk[b]) + 2
                    features[q, : self._hidden] = forward[step, b]
                    features[q, self._hidden :] = backward[length - 1 - step, b]
        out: list[dict[str, float]] = []
        for first in range(0, len(queries), ROWS_PER_PASS * 8):
            block = features[first : first + ROWS_PER_PASS * 8]
            hidden = np.maximum(block @ self._w0 + self._b0, 0.0)
            for q, query in enumerate(queries[first : first + ROWS_PER_PASS * 8]):
                known = [c for c in dict.fromkeys(query.candidates) if c in self.class2idx]
                if not known:
                    out.append({})
                    continue
                allowed = [self.class2idx[c] for c in known]
                # only the candidates' rows of the last layer: a small product, and no BLAS
                # threads (a full 876-class product per query would start them)
                logits = (self._w1t[allowed] @ hidden[q] + self._b1[allowed]).astype(np.float64)
                weights = np.exp(logits - logits.max())
                weights /= weights.sum()
                out.append({c: float(w) for c, w in zip(known, weights, strict=True)})
        return out

    def _run(self, windows: list[str]) -> tuple[Any, Any]:
        """Hidden states of both directions at every step: (steps, batch, h) each; step 0 is
        the start marker, backward states indexed by their step in the reversed row."""
        np = self._np
        ids = [
            [self._bos, *(self.char2idx.get(ch, self._unk) for ch in window), self._eos]
            for window in windows
        ]
        batch, steps, h = len(ids), max(len(r) for r in ids), self._hidden
        forward = np.zeros((batch, steps), dtype=np.int64)
        backward = np.zeros((batch, steps), dtype=np.int64)
        for b, row in enumerate(ids):
            forward[b, : len(row)] = row
            backward[b, : len(row)] = row[::-1]
        # inputs[t, d, b]: direction d's gate pre-activations at step t (padding after the end)
        inputs = np.stack([self._tables[0][forward.T], self._tables[1][backward.T]], axis=1)
        state_h = np.zeros((2, batch, h), dtype=np.float32)
        state_c = np.zeros((2, batch, h), dtype=np.float32)
        seen = np.empty((steps, 2, batch, h), dtype=np.float32)
        recurrent = self._recurrent
        for t in range(steps):
            gates = np.tanh(inputs[t] + state_h @ recurrent)
            ifo = gates * 0.5 + 0.5
            state_c = ifo[..., h : 2 * h] * state_c + ifo[..., :h] * gates[..., 2 * h : 3 * h]
            state_h = ifo[..., 3 * h :] * np.tanh(state_c)
            seen[t] = state_h
        return seen[:, 0], seen[:, 1]


@lru_cache(maxsize=1)
def polyphone_readings() -> dict[str, tuple[str, ...]]:
    """Characters with several readings (g2pM's list, ~790), each with its readings.

    A plain pickle read without numpy: deciding whether a text needs the model at all must
    not load it. Empty when the package is missing (every character then reads by default).
    """
    try:
        readings: dict[str, list[str]] = _load_pickle(model_dir() / "digest_cedict.pkl")
    except (ModelUnavailable, OSError, pickle.UnpicklingError, EOFError) as exc:
        logger.warning("polyphones read without context: %s", exc)
        return {}
    return {ch: tuple(r) for ch, r in readings.items() if len(r) > 1 and len(ch) == 1}


def _load_pickle(path: Path) -> Any:
    with path.open("rb") as handle:
        return pickle.load(handle)


_model: PolyphoneModel | None = None
_model_error: ModelUnavailable | None = None
_model_lock = threading.Lock()


def model_error() -> ModelUnavailable | None:
    """Why :func:`get_model` gave None (after it was called), else None."""
    return _model_error


def get_model() -> PolyphoneModel | None:
    """The process-wide model, loaded on first call (blocking); None when unavailable."""
    global _model, _model_error
    if _model is not None or _model_error is not None:
        return _model
    with _model_lock:
        if _model is None and _model_error is None:
            try:
                _model = PolyphoneModel()
            except ModelUnavailable as exc:
                logger.warning("polyphones read without context: %s", exc)
                _model_error = exc
    return _model
