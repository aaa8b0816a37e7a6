"""A random forest's predictions on shuffled copies of one column, re-walking only the rows that read it.

Shuffling column j changes a tree's answer for a row only if the row's path through that tree
passes a split on j; every other row ends in the same leaf. So for permutation importance each
tree's answers on the unshuffled rows are kept, and for each shuffled column only the rows whose
path reads it are walked again (in a forest of depth-15 trees, about a fifth of them). The answers
are summed tree by tree in the forest's own order and divided by the number of trees, as
scikit-learn's forest does with one job, so the predictions are the same bit for bit (tested).
"""

import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

MAX_READ_FLAGS = 300_000_000  # trees x rows x columns: one byte each (300 MB) for which rows read which column
_METHODS = {RandomForestClassifier: "predict_proba", RandomForestRegressor: "predict"}


class ForestPaths:
    """Which rows each tree's path reads each column on, and each tree's answers on the unshuffled rows."""

    def __init__(self, forest, X):
        self.forest, self.method = forest, _METHODS[type(forest)]
        rows = forest._validate_X_predict(np.asarray(X))  # float32, as the forest predicts
        self.n_rows = len(rows)
        self.answers = [getattr(tree, self.method)(rows, check_input=False) for tree in forest.estimators_]
        self.reads = [_columns_read(tree, rows) for tree in forest.estimators_]

    @classmethod
    def of(cls, model, X):
        """The paths of a fitted single-output scikit-learn random forest on dense X, or None for any other model."""
        method = _METHODS.get(type(model))
        if method is None or not hasattr(model, "estimators_") or getattr(model, "n_outputs_", 1) != 1:
            return None
        if np.ndim(X) != 2 or len(model.estimators_) * np.size(X) > MAX_READ_FLAGS:
            return None
        return cls(model, X)

    def predict(self, method, column, blocks):
        """The forest's `method` on the concatenated blocks, each the unshuffled rows with `column` shuffled."""
        if method != self.method:
            return getattr(self.forest, method)(np.concatenate(blocks))
        shuffled = self.forest._validate_X_predict(np.concatenate(blocks))
        repeats = len(blocks)
        offsets = self.n_rows * np.arange(repeats)[:, None]
        total = np.zeros((len(shuffled), *self.answers[0].shape[1:]), dtype=np.float64)
        for tree, kept, reads in zip(self.forest.estimators_, self.answers, self.reads, strict=True):
            answer = np.tile(kept, (repeats,) + (1,) * (kept.ndim - 1))
            rows = np.flatnonzero(reads[:, column])
            if len(rows):
                walked = (rows[None, :] + offsets).ravel()
                answer[walked] = getattr(tree, method)(shuffled[walked], check_input=False)
            total += answer
        total /= len(self.forest.estimators_)
        return total


def _columns_read(tree, rows):
    """rows x columns: True where the row's path through the tree passes a split on the column."""
    path = tree.decision_path(rows, check_input=False)
    features = tree.tree_.feature[path.indices]
    owners = np.repeat(np.arange(path.shape[0]), np.diff(path.indptr))
    split = features >= 0  # leaves have no feature
    reads = np.zeros((path.shape[0], rows.shape[1]), dtype=bool)
    reads[owners[split], features[split]] = True
    return reads
