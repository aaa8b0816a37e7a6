"""The protocol at the sizes deep learning needs (Tip 1): which checks change method above a size.

Every check that would cost more than about linearly in the rows switches, above the sizes
below, either to a method built for scale that gives the same verdict (near duplicates by a
KD-tree) or to a recorded, seeded, stratified subsample whose size every model family shares
(so equal budgets stay equal, Tip 2). Each switch returns a record that the notebooks print
and the artifacts keep, so a reader always knows which rows a number came from.
"""

import sys
import time

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.kernel_approximation import Nystroem
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KDTree, NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC, LinearSVC
from tqdm import tqdm

from ..common.progress import emit, progress_line
from ..tasks.classification.evaluation import LEARNING_FRACTIONS, learning_curve

# Rows above which near duplicates are found with a KD-tree (same rule, same pairs) instead of all pairs.
EXACT_NEIGHBOURS_UP_TO = 5000
# Rows on which training scores and permutation importance are computed at most (stratified, seeded).
SCORING_ROWS = 5000
# Training rows each extra refit (shuffled-label control, learning-curve points) reads at most.
REFIT_ROWS = 2000
# Training rows every tuning trial of every family reads at most (the same for all: equal budgets).
TUNING_ROWS = 10000
# Training rows above which the RBF SVM becomes a Nystroem kernel approximation + linear SVM.
KERNEL_SVM_UP_TO = 5000
NYSTROEM_COMPONENTS = 300


def subsample(y, limit, seed, purpose, strata=None):
    """Sorted positions of at most `limit` rows, stratified and seeded.

    `strata(y)` gives what is kept even (the task's `stratify_labels`: classes, or a number's quantile
    bins); None stratifies on y itself. Below the limit every row is kept and the record says so; above
    it the record names the size, the total and the seed, so the subsample can be drawn again.
    """
    y = np.asarray(y)
    n = len(y)
    if n <= limit:
        return np.arange(n), {"purpose": purpose, "rows": int(n), "of": int(n), "subsampled": False}
    try:
        rows, _ = train_test_split(np.arange(n), train_size=int(limit), stratify=y if strata is None else strata(y),
                                   random_state=seed)
        stratified = True
    except ValueError:  # a class with a single row cannot be stratified
        rows, stratified = np.random.default_rng(seed).choice(n, int(limit), replace=False), False
    return np.sort(rows), {"purpose": purpose, "rows": int(limit), "of": int(n), "subsampled": True,
                           "seed": int(seed), "stratified": stratified}


def take(X, y, limit, seed, purpose, strata=None):
    """X, y cut to `subsample`'s rows (X re-indexed from 0, as `Run.part` gives it), with its record."""
    rows, record = subsample(y, limit, seed, purpose, strata)
    if not record["subsampled"]:
        return X, y, record
    return X.iloc[rows].reset_index(drop=True), np.asarray(y)[rows], record


def describe(record):
    """One sentence on which rows a number came from, for the notebooks."""
    if not record["subsampled"]:
        return f"{record['purpose']}: all {record['of']} rows"
    return (f"{record['purpose']}: a {'stratified ' if record['stratified'] else ''}subsample of "
            f"{record['rows']} of {record['of']} rows (seed {record['seed']})")


def capped_learning_curve(build, fitted, X_train, y_train, X_tune, y_tune, seed, limit=REFIT_ROWS, whole=False,
                          strata=None):
    """A learning curve whose refits read at most `limit` training rows, and the record of its rows.

    Above the limit the curve's refits take 25-100 % of a stratified subsample of `limit` rows and
    its last point is `fitted` ({"train", "tune"} scores of the model already fitted on every
    training row): the same question (would more data help?) at a fixed number of refits.
    Up to the limit the last point is `fitted` as well when `whole` says its training score was
    read on every training row: a refit would be the same model (same rows, same seed), so it is
    not paid twice. `last_point` in the record says which.
    """
    X_part, y_part, record = take(X_train, y_train, limit, seed, "learning-curve refits", strata)
    reused = record["subsampled"] or whole
    fractions = tuple(f for f in LEARNING_FRACTIONS if f < 1 or record["subsampled"] or not whole)
    rows = learning_curve(build, X_part, y_part, X_tune, y_tune, seed, fractions)
    if record["subsampled"]:
        for row in rows:
            row["fraction"] = round(row["n"] / len(y_train), 6)
    if reused:
        rows.append({"fraction": 1.0, "n": int(len(y_train)), "train": fitted["train"], "tune": fitted["tune"]})
    return rows, {**record, "refits": len(rows) - int(reused),
                  "last_point": "the train-tune gap's fit on every training row" if reused else "a refit"}


def learning_curve_refits(n_rows, whole=False, limit=REFIT_ROWS):
    """How many refits `capped_learning_curve` makes per model (for progress totals)."""
    return len(LEARNING_FRACTIONS) - int(n_rows <= limit and whole)


def neighbours_within(Z, tolerance, exact_up_to=EXACT_NEIGHBOURS_UP_TO):
    """For every row, the positions of the rows within `tolerance` in every coordinate (Chebyshev).

    Up to `exact_up_to` rows all pairs are compared; above, a KD-tree answers the same radius
    query in about n log n, because a tolerance of a hundredth of an SD prunes almost every branch.
    """
    if neighbour_method(len(Z), exact_up_to) == "all pairs":
        finder = NearestNeighbors(radius=float(tolerance), metric="chebyshev", algorithm="brute").fit(Z)
        return finder.radius_neighbors(Z, return_distance=False)
    return KDTree(Z, metric="chebyshev").query_radius(Z, float(tolerance))


def neighbour_method(n_rows, exact_up_to=EXACT_NEIGHBOURS_UP_TO):
    """How near duplicates among `n_rows` rows are found: 'all pairs' or 'KD-tree' (same pairs)."""
    return "all pairs" if n_rows <= exact_up_to else "KD-tree"


class ScalableSVC(ClassifierMixin, BaseEstimator):
    """An RBF support-vector machine that stays exact up to `exact_up_to` training rows.

    Above that size libsvm costs grow with the square of the rows (and sharply with C), so the
    kernel is approximated by `n_components` Nystroem features and a linear SVM is fitted on
    them, same C, same gamma. `method_` says which was fitted.
    """

    def __init__(self, C=1.0, gamma="scale", class_weight=None, tol=1e-3, max_iter=-1, random_state=None,
                 exact_up_to=KERNEL_SVM_UP_TO, n_components=NYSTROEM_COMPONENTS):
        self.C = C
        self.gamma = gamma
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state
        self.exact_up_to = exact_up_to
        self.n_components = n_components

    def fit(self, X, y):
        if X.shape[0] <= self.exact_up_to:
            self.model_ = SVC(kernel="rbf", C=self.C, gamma=self.gamma, class_weight=self.class_weight,
                              tol=self.tol, max_iter=self.max_iter, random_state=self.random_state).fit(X, y)
            self.method_ = "exact RBF SVM"
        else:
            kernel = Nystroem(gamma=_gamma(self.gamma, X), n_components=min(self.n_components, X.shape[0]),
                              random_state=self.random_state)
            linear = LinearSVC(C=self.C, class_weight=self.class_weight, dual=False, random_state=self.random_state)
            self.model_ = make_pipeline(kernel, linear).fit(X, y)
            self.method_ = f"Nystroem approximation ({kernel.n_components} components) + linear SVM"
        self.classes_ = self.model_.classes_
        return self

    def decision_function(self, X):
        return self.model_.decision_function(X)

    def predict(self, X):
        return self.model_.predict(X)


def _gamma(gamma, X):
    """Resolve 'scale' and 'auto' as SVC does."""
    if gamma == "auto":
        return 1.0 / X.shape[1]
    if gamma == "scale":
        variance = (X.multiply(X).mean() - X.mean() ** 2) if sparse.issparse(X) else np.asarray(X).var()
        return 1.0 / (X.shape[1] * variance) if variance > 0 else 1.0
    return float(gamma)


class Progress:
    """Progress of a long cell: a bar in the notebook (JupyterLab) and plain lines with an ETA in the
    run folder (`logs/<notebook>.progress.log`), which `run` echoes to the terminal (progress.emit)."""

    def __init__(self, total, what, log=None):
        self.total, self.what, self.done, self.started = int(total), what, 0, time.perf_counter()
        self._pending = None
        self.log = log
        self.bar = tqdm(total=self.total, desc=what, file=sys.stderr, mininterval=1.0, leave=False)

    def step(self, label=""):
        self.done += 1
        self.bar.update()
        elapsed = time.perf_counter() - self.started
        emit(progress_line(self.what, self.done, self.total, elapsed, label), self.log)

    def counting(self, build, label=""):
        """`build` (a function returning a fresh model to fit) whose next call, or `close`, counts one step."""
        def counted():
            self.begin(label)
            return build()
        return counted

    def begin(self, label=""):
        """One step starts (the previous one, if any, is counted as done)."""
        self.settle()
        self._pending = label

    def settle(self):
        """Count the step under way (begun by `begin` or `counting`) as done."""
        if self._pending is not None:
            label, self._pending = self._pending, None
            self.step(label)

    def close(self):
        self.settle()
        self.bar.close()


class PredictOnce:
    """A fitted model whose predict_proba on the same table object is computed once and then reused.

    Notebook 05 scores each tuned model on the tune rows twice (its train-tune gap and its metric
    panel); on large tables a second prediction (k nearest neighbours: every tune row against every
    training row) costs as much as a fit. The numbers are the model's own, unchanged.
    """

    def __init__(self, model):
        self.model, self.classes_, self._saved = model, model.classes_, {}

    def predict_proba(self, X):
        key = id(X)
        if key not in self._saved:
            self._saved[key] = (X, self.model.predict_proba(X))  # X kept: its id stays unique while saved
        return self._saved[key][1]
