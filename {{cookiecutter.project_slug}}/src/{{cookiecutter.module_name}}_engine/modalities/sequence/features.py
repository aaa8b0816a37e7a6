"""Sequences as features: k-mer frequencies and one-hot matrices (scikit-learn transformers, Tip 5).

Both are fitted on training rows only, like every other preprocessing step; the letter codes
(`encode`) are shared with the homology search.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ...common.errors import LabError

MAX_KMER_FEATURES = 1 << 20
_UNKNOWN = 255  # code of a letter outside the coding letters (N, X, padding, separators)


def _as_sequences(X) -> list[str]:
    """Sequences from a DataFrame with a "sequence" column, or from a 1-D array or list of strings."""
    if isinstance(X, pd.DataFrame):
        if "sequence" not in X.columns:
            raise LabError(
                f"the sequence features need a column named 'sequence', not {', '.join(map(str, X.columns[:5]))}; "
                "pass the sequences as loaded by the study"
            )
        X = X["sequence"]
    values = np.asarray(X, dtype=object)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    return [str(s) for s in values.ravel()]


def _encode(sequences: list[str], letters: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All sequences end to end as letter codes (255 = not a coding letter; one separator after each).

    Returns (codes, row of each position, position of each within its sequence).
    """
    table = np.full(256, _UNKNOWN, dtype=np.uint8)
    for index, letter in enumerate(letters):
        table[ord(letter.upper())] = table[ord(letter.lower())] = index
    joined = "\n".join(sequences) + "\n"
    codes = table[np.frombuffer(joined.encode("ascii", errors="replace"), dtype=np.uint8)]
    sizes = np.array([len(s) + 1 for s in sequences], dtype=np.int64)
    rows = np.repeat(np.arange(len(sequences)), sizes)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return codes, rows, np.arange(codes.size) - starts


def _check_k(k: int, letters: str) -> None:
    if not isinstance(k, int | np.integer) or k < 1 or len(letters) ** k > MAX_KMER_FEATURES:
        raise LabError(
            f"k-mer size k={k} over {len(letters)} letters is not usable (k must be a whole number from 1 and "
            f"{len(letters)}**k at most {MAX_KMER_FEATURES}); choose a smaller k in lab.yaml"
        )


def kmer_profiles(sequences, k: int, letters: str) -> sparse.csr_matrix:
    """How often each k-mer occurs in each sequence (sparse counts, columns in lexicographic order).

    k-mers holding a letter outside `letters` (N, X) are skipped.
    """
    _check_k(k, letters)
    sequences = _as_sequences(sequences)
    size = len(letters)
    codes, rows, _ = _encode(sequences, letters)
    if codes.size < k:
        return sparse.csr_matrix((len(sequences), size**k))
    windows = np.lib.stride_tricks.sliding_window_view(codes, k)
    valid = (windows != _UNKNOWN).all(axis=1)
    index = windows[valid].astype(np.int64) @ (size ** np.arange(k - 1, -1, -1, dtype=np.int64))
    counts = sparse.coo_matrix((np.ones(index.size), (rows[: windows.shape[0]][valid], index)),
                               shape=(len(sequences), size**k))
    return counts.tocsr()


def _kmer_names(k: int, letters: str) -> np.ndarray:
    return np.array(["".join(t) for t in itertools.product(letters, repeat=k)], dtype=object)


class KmerCounts(TransformerMixin, BaseEstimator):
    """k-mer frequencies of each sequence: counts divided by the number of valid k-mers in it.

    A classical representation of a sequence (its word content, position ignored) for baselines.
    """

    def __init__(self, k=3, letters="ACGT"):
        self.k = k
        self.letters = letters

    def fit(self, X, y=None):
        _check_k(self.k, self.letters)
        self.n_features_out_ = len(self.letters) ** self.k
        return self

    def transform(self, X):
        counts = kmer_profiles(X, self.k, self.letters).toarray()
        totals = counts.sum(axis=1, keepdims=True)
        return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)

    def get_feature_names_out(self, input_features=None):
        return _kmer_names(self.k, self.letters)


class OneHotSequences(TransformerMixin, BaseEstimator):
    """Each sequence as a flat float32 row of length_*A values, position-major (index = pos*A + letter).

    Letters outside `letters` (N, X) and positions after a shorter sequence's end are zeros.
    """

    def __init__(self, letters="ACGT", length=None):
        self.letters = letters
        self.length = length

    def fit(self, X, y=None):
        self.length_ = int(self.length or max(len(s) for s in _as_sequences(X)))
        return self

    def transform(self, X):
        check_is_fitted(self, "length_")
        sequences = _as_sequences(X)
        too_long = [row for row, s in enumerate(sequences) if len(s) > self.length_]
        if too_long:
            row = too_long[0]
            raise LabError(
                f"sequence {row + 1} of {len(sequences)} has {len(sequences[row])} letters, more than the "
                f"{self.length_} the encoder was fitted to; set sequence.length_policy: trim in lab.yaml"
            )
        size = len(self.letters)
        codes, rows, positions = _encode(sequences, self.letters)
        keep = codes != _UNKNOWN
        out = np.zeros((len(sequences), self.length_ * size), dtype=np.float32)
        out[rows[keep], positions[keep] * size + codes[keep]] = 1.0
        return out

    def get_feature_names_out(self, input_features=None):
        return np.array([f"p{pos}_{letter}" for pos in range(1, self.length_ + 1) for letter in self.letters],
                        dtype=object)
