"""The binary metric panel from counts: scikit-learn's arithmetic without its per-call checks.

A bootstrap resample of the test rows, or one shuffled repeat of permutation importance, asks for
the same metrics hundreds of times on the same labels. scikit-learn validates and re-sorts the
labels on every call, which at 20,000 rows costs more than the arithmetic. Here the labels are
checked once and every metric is computed from the counts scikit-learn itself reduces them to
(true and false positives at each distinct score, the confusion matrix, the squared errors),
with scikit-learn's own formulas in its own order: the numbers are bit for bit the same (tested
against scikit-learn for every metric of the panel).
"""

import numpy as np
from scipy.integrate import trapezoid


def curve_counts(positive, score, weight=None, order=None):
    """True and false positives above each distinct score, highest score first (sklearn's thresholds).

    `weight` gives how often each row counts (a bootstrap resample: draws per row); a score whose
    rows all weigh 0 is not a threshold, as in scikit-learn on the resampled rows. `order` is the
    rows sorted by decreasing score, when it is known already.
    """
    order = np.argsort(-score, kind="stable") if order is None else order
    ranked, hits = score[order], positive[order].astype(np.float64)
    counted = np.ones(len(order)) if weight is None else weight[order].astype(np.float64)
    ends = np.r_[np.flatnonzero(np.diff(ranked)), len(ranked) - 1]
    rows, tps = np.cumsum(counted)[ends], np.cumsum(hits * counted)[ends]
    if weight is not None:
        kept = np.diff(np.r_[0.0, rows]) > 0
        rows, tps = rows[kept], tps[kept]
    return rows - tps, tps


def roc_auc(fps, tps):
    """ROC-AUC from curve counts, as sklearn.metrics.roc_auc_score (collinear points dropped, trapezoids)."""
    if len(fps) > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])
        fps, tps = fps[keep], tps[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    return float(trapezoid(tps / tps[-1], fps / fps[-1]))


def average_precision(fps, tps):
    """Average precision from curve counts, as sklearn.metrics.average_precision_score."""
    predicted = tps + fps
    precision = np.divide(tps, predicted, out=np.zeros_like(tps), where=predicted != 0)
    recall = tps / tps[-1]
    precision, recall = np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0]
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))


def confusion_scores(C):
    """MCC, balanced accuracy and macro F1 of a 2 x 2 confusion matrix (rows true, columns predicted), as sklearn."""
    t_sum, p_sum = C.sum(axis=1, dtype=np.float64), C.sum(axis=0, dtype=np.float64)
    n_correct, n_samples = np.trace(C, dtype=np.float64), p_sum.sum()
    cov_ytyp = n_correct * n_samples - np.dot(t_sum, p_sum)
    cov_ypyp, cov_ytyt = n_samples**2 - np.dot(p_sum, p_sum), n_samples**2 - np.dot(t_sum, t_sum)
    mcc = 0.0 if cov_ypyp * cov_ytyt == 0 else float(cov_ytyp / np.sqrt(cov_ypyp * cov_ytyt))
    tp = np.diag(C).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.diag(C) / C.sum(axis=1)
    balanced = float(np.mean(recall[~np.isnan(recall)]))
    denominator = C.sum(axis=1).astype(np.float64) + C.sum(axis=0).astype(np.float64)
    f1 = np.where(denominator == 0, 0.0, 2.0 * tp / np.where(denominator == 0, 1.0, denominator))
    return {"mcc": mcc, "balanced_accuracy": balanced, "f1_macro": float(np.mean(f1))}


class BinaryPanel:
    """The panel's metrics on resamples of fixed rows (two classes), from their integer row draws.

    `positive` marks rows of the positive class, `score` the positive class's probability and
    `predicted_positive` the rows predicted positive (the arg-max class). Each `panel(rows)` gives
    what evaluate.metric_panel gives on those rows, for ROC-AUC, PR-AUC, MCC, balanced accuracy,
    macro F1 and the Brier score, unrounded; `roc_auc(rows)` alone needs no predictions.
    """

    def __init__(self, positive, score, predicted_positive=None):
        self.positive, self.score = np.asarray(positive, dtype=bool), np.asarray(score, dtype=np.float64)
        self.order = np.argsort(-self.score, kind="stable")
        if predicted_positive is not None:  # what the threshold metrics and the Brier score read
            self.cell = 2 * self.positive.astype(np.int64) + np.asarray(predicted_positive, dtype=np.int64)
            truth = np.stack((~self.positive, self.positive), axis=1).astype(np.float64)
            self.squared = np.sum((truth - np.stack((1 - self.score, self.score), axis=1)) ** 2, axis=1)

    def roc_auc(self, rows):
        return roc_auc(*curve_counts(self.positive, self.score, self._weight(rows), self.order))

    def panel(self, rows):
        fps, tps = curve_counts(self.positive, self.score, self._weight(rows), self.order)
        C = np.bincount(self.cell[rows], minlength=4).reshape(2, 2)
        return {"roc_auc": roc_auc(fps, tps), "pr_auc": average_precision(fps, tps), **confusion_scores(C),
                "brier": float(np.mean(self.squared[rows]) * 0.5)}

    def _weight(self, rows):
        return np.bincount(rows, minlength=len(self.score))


def binary_auc_scorer(y, classes, fallback, digits):
    """A scorer(estimator, X, y) giving `fallback`'s ROC-AUC (rounded to `digits`) for the fixed labels `y`.

    For two classes, `fallback` scores the first call (its checks and errors stand) and every later
    call on this same `y` is computed from counts, without checking the labels again; anything
    else goes to `fallback`.
    """
    classes = np.asarray(classes)
    if len(classes) != 2:
        return fallback
    positive, checked = np.asarray(y) == classes[1], []

    def scorer(estimator, X, y_given):
        if y_given is not y or not checked or list(estimator.classes_) != list(classes):
            checked.append(True)
            return fallback(estimator, X, y_given)
        proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
        return round(roc_auc(*curve_counts(positive, proba[:, 1])), digits)

    return scorer
