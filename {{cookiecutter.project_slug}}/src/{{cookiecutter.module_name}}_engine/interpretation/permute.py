"""Permutation importance without rerunning the preprocessing for every shuffled column.

Shuffling a raw column and then imputing and scaling it gives the same numbers as imputing and
scaling once and shuffling the scaled column, when every column is handled on its own (numbers
only: median imputation, standardisation). Then the table is transformed once and only the
model is scored per shuffle: the same importances at a fraction of the cost on large tables.
On such an array the repeats of one column are predicted in one call (permutation_importances),
and a random forest walks again only the rows whose paths read the shuffled column (forest_paths).
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .forest_paths import ForestPaths

_ELEMENTWISE = (SimpleImputer, StandardScaler)


def shuffles_commute(preprocessing, X):
    """True when the fitted `preprocessing` (a Pipeline's steps before the model) maps column i of
    the DataFrame X to output column i by an elementwise rule, so a row shuffle commutes with it."""
    steps = preprocessing.steps if isinstance(preprocessing, Pipeline) else [(None, preprocessing)]
    if len(steps) != 1 or not isinstance(steps[0][1], ColumnTransformer):
        return False
    transformer = steps[0][1]
    used = [(name, step, columns) for name, step, columns in transformer.transformers_ if len(columns)]
    if len(used) != 1 or list(used[0][2]) != list(X.columns):
        return False
    step = used[0][1]
    parts = [s for _, s in step.steps] if isinstance(step, Pipeline) else [step]
    if not all(isinstance(part, _ELEMENTWISE) for part in parts):
        return False
    if any(isinstance(part, SimpleImputer) and part.add_indicator for part in parts):
        return False
    return len(transformer.get_feature_names_out()) == X.shape[1]


MAX_STACKED_VALUES = 20_000_000  # values in one stacked prediction (160 MB of float64)


class _Stacked:
    """Stands in for a fitted model inside a scorer: each shuffled block's prediction is a slice of one call.

    Predicting all repeats of one column in one call pays a model's per-call cost once (a forest
    walks its trees once per call, not per repeat). A block it was not given goes to the model itself.
    """

    def __init__(self, model, blocks, column=None, paths=None):
        self._model, self._blocks, self._answers = model, blocks, {}
        self._column, self._paths = column, paths  # a random forest: only the rows reading `column` re-walked

    def __getattr__(self, name):
        if name in ("predict", "predict_proba", "decision_function"):
            getattr(self._model, name)  # the model's own AttributeError when it has no such method
            return lambda X: self._answer(name, X)
        return getattr(self._model, name)

    def _answer(self, method, X):
        where = next((i for i, block in enumerate(self._blocks) if block is X), None)
        if where is None:
            return getattr(self._model, method)(X)
        if method not in self._answers:
            self._answers[method] = (self._paths.predict(method, self._column, self._blocks) if self._paths
                                     else getattr(self._model, method)(np.concatenate(self._blocks)))
        size = len(X)
        return self._answers[method][where * size:(where + 1) * size]


def permutation_importances(model, X, y, scorer, n_repeats, seed):
    """Drop in score per column and repeat, shuffled exactly as sklearn's permutation_importance (n_jobs=1).

    The same shuffles in the same order (one RandomState per column from one seed drawn from
    `seed`; each repeat shuffles the column as the previous repeat left it), so the same numbers;
    only the repeats of a column are predicted together, as one stacked array.
    """
    X = np.asarray(X)
    baseline = scorer(model, X, y)
    column_seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    per_call = max(1, min(int(n_repeats), MAX_STACKED_VALUES // max(1, X.size)))
    drops = np.empty((X.shape[1], int(n_repeats)))
    paths = ForestPaths.of(model, X)  # a random forest re-walks only the rows whose path reads the shuffled column
    for column in range(X.shape[1]):
        draw, order = np.random.RandomState(column_seed), np.arange(X.shape[0])
        values = X[:, column].copy()
        for start in range(0, int(n_repeats), per_call):
            blocks = []
            for _ in range(min(per_call, int(n_repeats) - start)):
                draw.shuffle(order)
                values = values[order]
                block = X.copy()
                block[:, column] = values
                blocks.append(block)
            stacked = _Stacked(model, blocks, column, paths)
            for offset, block in enumerate(blocks):
                drops[column, start + offset] = baseline - scorer(stacked, block, y)
    return drops
