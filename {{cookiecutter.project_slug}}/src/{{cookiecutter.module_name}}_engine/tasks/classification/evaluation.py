"""Scores and a metric panel chosen for imbalanced biological data (Tip 7).

One primary score (ROC-AUC) ranks models; the panel adds PR-AUC against prevalence, MCC,
balanced accuracy and calibration so no single flattering number goes unchallenged.
"""

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    matthews_corrcoef,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import label_binarize

from ...common.errors import LabError
from .rank_metrics import BinaryPanel

DECIMALS = 6


def primary_score(y_true, proba, classes):
    """ROC-AUC of the probabilities: positive class classes[1] if binary, macro one-vs-rest if not.

    The one number used to rank and tune models; it ignores the decision threshold.
    """
    y_true, proba, classes = _check_inputs(y_true, proba, classes)
    present = np.unique(y_true)
    if len(present) < 2:
        raise LabError(
            f"ROC-AUC needs at least two classes in the evaluation split but found only "
            f"{', '.join(map(str, present)) or 'none'}; use a larger or stratified split."
        )
    if len(classes) == 2:
        return _round(roc_auc_score(y_true == classes[1], proba[:, 1]))
    if len(present) < len(classes):
        missing = [str(c) for c in classes if c not in set(present.tolist())]
        raise LabError(
            f"macro ROC-AUC needs every class in the evaluation split but {', '.join(missing)} "
            "is absent; use a larger or stratified split."
        )
    return _round(roc_auc_score(y_true, proba, multi_class="ovr", average="macro", labels=classes))


def metric_panel(y_true, proba, classes):
    """Dictionary of ranking, threshold and calibration metrics for one set of predictions.

    Read PR-AUC against prevalence and MCC alongside ROC-AUC: with rare classes a high
    ROC-AUC or accuracy can hide a useless classifier.
    """
    y_true, proba, classes = _check_inputs(y_true, proba, classes)
    predicted = classes[np.argmax(proba, axis=1)]
    binary = len(classes) == 2
    positive = y_true == classes[1] if binary else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        panel = {
            "roc_auc": primary_score(y_true, proba, classes),
            "pr_auc": _pr_auc(y_true, proba, classes),
            "balanced_accuracy": balanced_accuracy_score(y_true, predicted),
            "mcc": matthews_corrcoef(y_true, predicted),
            "f1_macro": f1_score(y_true, predicted, labels=classes, average="macro", zero_division=0),
            "brier": brier_score_loss(positive, proba[:, 1]) if binary else None,
            "accuracy": accuracy_score(y_true, predicted),
            "prevalence": float(np.mean(positive)) if binary else None,
            "n_samples": len(y_true),
        }
    return {k: v if v is None or k == "n_samples" else _round(v) for k, v in panel.items()}


def score_model(model, X, y):
    """Primary score of a fitted model (anything with predict_proba and classes_) on X, y.

    Used for tuning and for the train-versus-tune comparison, so both use the same yardstick.
    """
    return primary_score(y, model.predict_proba(X), model.classes_)


def train_tune_gap(model, X_train, y_train, X_tune, y_tune, threshold):
    """Primary score of an already fitted model on training and tuning rows, and their gap.

    A gap above threshold flags memorisation of the training split (Tip 7).
    """
    train = score_model(model, X_train, y_train)
    tune = score_model(model, X_tune, y_tune)
    gap = _round(train - tune)
    return {
        "train": train,
        "tune": tune,
        "gap": gap,
        "threshold": _round(threshold),
        "flagged": bool(gap > threshold),
    }


def _pr_auc(y_true, proba, classes):
    if len(classes) == 2:
        return average_precision_score(y_true == classes[1], proba[:, 1])
    indicator = label_binarize(y_true, classes=classes)
    return average_precision_score(indicator, proba, average="macro")


def _check_inputs(y_true, proba, classes):
    y_true, proba, classes = np.asarray(y_true), np.asarray(proba, dtype=float), np.asarray(classes)
    if proba.ndim != 2 or proba.shape != (len(y_true), len(classes)):
        raise LabError(
            f"probabilities must have one row per sample and one column per class "
            f"({len(y_true)} x {len(classes)}), not shape "
            f"{proba.shape}; pass predict_proba output and classes_."
        )
    unknown = sorted(set(np.unique(y_true).tolist()) - set(classes.tolist()), key=str)
    if unknown:
        raise LabError(
            f"labels {', '.join(map(str, unknown))} were not seen in training; "
            "make sure every class appears in the training split."
        )
    return y_true, proba, classes


def _round(value):
    return round(float(value), DECIMALS)


# overfitting checks and the final evaluation (notebook 05) --------------------------------
PANEL = ("roc_auc", "pr_auc", "mcc", "balanced_accuracy", "f1_macro", "brier")
LEARNING_FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def stratified_resamples(y, n_resamples, seed):
    """Bootstrap index sets drawn within each class, so every resample holds every class."""
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    by_class = [np.flatnonzero(y == label) for label in np.unique(y)]
    return [np.sort(np.concatenate([rng.choice(rows, len(rows)) for rows in by_class])) for _ in range(n_resamples)]


def bootstrap_panel(y_true, proba, classes, n_resamples, seed):
    """The imbalance panel (ROC-AUC, PR-AUC, MCC, balanced accuracy, F1, Brier) with 95% bootstrap intervals.

    Intervals are percentiles of stratified resamples of the evaluated rows. `prevalence` is the
    positive class's share for two classes and None for more (where one number would read like a
    binary prevalence); `class_prevalence` gives every class's share, and `chance_pr_auc` the PR-AUC
    of a model that knows nothing (the prevalence, or 1 / classes for micro-averaged multiclass).
    """
    y_true, proba = np.asarray(y_true), np.asarray(proba, dtype=float)
    point = metric_panel(y_true, proba, classes)
    draws = _resampled_panels(y_true, proba, classes, stratified_resamples(y_true, n_resamples, seed))
    panel = {}
    for metric in PANEL:
        if point[metric] is None:
            continue
        values = np.array([d[metric] for d in draws], dtype=float)
        low, high = np.nanpercentile(values, [2.5, 97.5])
        panel[metric] = {"value": point[metric], "low": _round(low), "high": _round(high)}
    binary = len(classes) == 2
    return {"metrics": panel, "prevalence": _prevalence(y_true, classes) if binary else None,
            "class_prevalence": class_prevalence(y_true, classes), "chance_pr_auc": _prevalence(y_true, classes),
            "n": int(len(y_true)), "n_resamples": int(n_resamples)}


def _resampled_panels(y_true, proba, classes, resamples):
    """The metric panel on each resample of the rows (index arrays), unrounded values rounded as metric_panel's.

    For two classes the panels come from counts (rank_metrics.BinaryPanel: scikit-learn's numbers
    without re-checking the labels on every resample); for more, from metric_panel on coded labels.
    """
    codes, coded = _coded(y_true, classes)  # the same numbers, without comparing label strings on every resample
    if len(classes) != 2:
        return [metric_panel(codes[idx], proba[idx], coded) for idx in resamples]
    counts = BinaryPanel(codes == coded[1], proba[:, 1], coded[np.argmax(proba, axis=1)] == coded[1])
    return [{k: _round(v) for k, v in counts.panel(idx).items()} for idx in resamples]


def _coded(y_true, classes):
    """Labels as their rank among the sorted classes, and the classes so coded (in their own order).

    scikit-learn's metrics sort the labels they see, so ranks give the very confusion matrices,
    and so the very numbers, the labels give; integers are only faster to compare and resample.
    """
    y_true, _, classes = _check_inputs(y_true, np.zeros((len(y_true), len(classes))), classes)
    ordered = np.sort(classes)
    return np.searchsorted(ordered, y_true), np.searchsorted(ordered, classes)


def class_prevalence(y_true, classes):
    """Each class's share of the rows, in class order."""
    y_true = np.asarray(y_true)
    return {str(label): _round(np.mean(y_true == label)) for label in classes}


def paired_bootstrap(y_true, proba_a, proba_b, classes, n_resamples, seed):
    """Primary-score difference of two models on the same rows, with a 95% paired bootstrap interval.

    Both models are scored on each resample, so the interval reflects their difference, not
    the spread of each score alone; an interval containing 0 means no demonstrated difference.
    """
    y_true = np.asarray(y_true)
    proba_a, proba_b = np.asarray(proba_a, dtype=float), np.asarray(proba_b, dtype=float)
    diffs = _resampled_differences(y_true, proba_a, proba_b, classes, stratified_resamples(y_true, n_resamples, seed))
    a, b = primary_score(y_true, proba_a, classes), primary_score(y_true, proba_b, classes)
    low, high = np.percentile(diffs, [2.5, 97.5])
    return {"metric": "roc_auc", "score_a": a, "score_b": b, "difference": _round(a - b), "low": _round(low),
            "high": _round(high), "n_resamples": int(n_resamples), "excludes_zero": bool(low > 0 or high < 0)}


def _resampled_differences(y_true, proba_a, proba_b, classes, resamples):
    """Primary score of model a minus model b on each resample (two classes: from counts, the same numbers)."""
    codes, coded = _coded(y_true, classes)
    if len(classes) != 2:
        return [primary_score(codes[i], proba_a[i], coded) - primary_score(codes[i], proba_b[i], coded)
                for i in resamples]
    positive = codes == coded[1]
    a, b = (BinaryPanel(positive, p[:, 1]) for p in (proba_a, proba_b))
    return [_round(a.roc_auc(i)) - _round(b.roc_auc(i)) for i in resamples]


def shuffled_label_control(build, X_train, y_train, X_tune, y_tune, observed, n_runs, seed):
    """Refit on permuted training labels `n_runs` times and score on the real tune labels (Chuang & Keiser).

    The permuted-label scores are what the model reaches without any real signal. The
    empirical p-value is (k + 1) / (n_runs + 1), k = null scores at least `observed`; a model
    not above every null score is flagged. `build()` returns a fresh unfitted model.
    """
    y_train = np.asarray(y_train)
    rng = np.random.default_rng(seed)
    null, memorised = [], []
    for _ in range(int(n_runs)):
        permuted = rng.permutation(y_train)
        model = build().fit(X_train, permuted)
        null.append(score_model(model, X_tune, y_tune))
        memorised.append(score_model(model, X_train, permuted))
    k = int(sum(score >= observed for score in null))
    return {
        "observed": _round(observed),
        "null": [_round(v) for v in null],
        "null_mean": _round(np.mean(null)),
        "null_train_mean": _round(np.mean(memorised)),
        "n_runs": int(n_runs),
        "p_value": _round((k + 1) / (int(n_runs) + 1)),
        "smallest_possible_p": _round(1 / (int(n_runs) + 1)),
        "flagged": bool(k > 0),
    }


def learning_curve(build, X_train, y_train, X_tune, y_tune, seed, fractions=LEARNING_FRACTIONS):
    """Train and tune score after fitting on growing, stratified shares of the training split.

    Tune scores still rising at the full training set mean more data would help; a wide,
    steady gap means the model memorises (Tip 7). Shares too small to hold every class are skipped.
    """
    y_train = np.asarray(y_train)
    rows = []
    for fraction in fractions:
        positions = np.arange(len(y_train))
        if fraction < 1:
            try:
                positions, _ = train_test_split(positions, train_size=fraction, stratify=y_train, random_state=seed)
            except ValueError:
                continue
            positions = np.sort(positions)
        X_part, y_part = X_train.iloc[positions], y_train[positions]
        model = build().fit(X_part, y_part)
        rows.append({"fraction": float(fraction), "n": int(len(positions)),
                     "train": score_model(model, X_part, y_part), "tune": score_model(model, X_tune, y_tune)})
    return rows


def curve_points(y_true, proba, classes):
    """ROC and precision-recall curves plus the prevalence line for a figure.

    Binary: for the positive class (classes[-1]); multiclass: micro-averaged one-vs-rest.
    """
    indicator, scores = _one_vs_rest(y_true, proba, classes)
    fpr, tpr, _ = roc_curve(indicator, scores)
    precision, recall, _ = precision_recall_curve(indicator, scores)
    return {"fpr": fpr, "tpr": tpr, "precision": precision, "recall": recall,
            "prevalence": float(np.mean(indicator)), "averaging": "positive class" if len(classes) == 2 else "micro"}


def calibration_points(y_true, proba, classes, n_bins=10):
    """Mean predicted probability against observed frequency per bin (binary: positive class; else one-vs-rest).

    Bins hold equal numbers of samples (quantiles), at least about 10 each, so a small test split
    does not zig-zag through near-empty bins; `counts` gives each bin's samples.
    """
    indicator, scores = _one_vs_rest(y_true, proba, classes)
    n_bins = int(max(2, min(n_bins, len(scores) // 10)))
    edges = np.unique(np.quantile(scores, np.linspace(0, 1, n_bins + 1)))
    bins = np.clip(np.searchsorted(edges[1:-1], scores, side="right"), 0, max(0, len(edges) - 2))
    counts = np.bincount(bins, minlength=len(edges) - 1)
    used = counts > 0
    predicted = np.bincount(bins, weights=scores, minlength=len(counts))[used] / counts[used]
    observed = np.bincount(bins, weights=indicator, minlength=len(counts))[used] / counts[used]
    return {"predicted": predicted, "observed": observed, "counts": counts[used]}


def aligned_proba(model, X, classes):
    """predict_proba with its columns in the study's class order (positive class last)."""
    order = [list(model.classes_).index(label) for label in classes]
    return np.asarray(model.predict_proba(X), dtype=float)[:, order]


def _one_vs_rest(y_true, proba, classes):
    y_true, proba, classes = _check_inputs(y_true, proba, classes)
    if len(classes) == 2:
        return (y_true == classes[1]).astype(int), proba[:, 1]
    return label_binarize(y_true, classes=classes).ravel(), proba.ravel()


def _prevalence(y_true, classes):
    classes = np.asarray(classes)
    if len(classes) == 2:
        return _round(np.mean(np.asarray(y_true) == classes[1]))
    return _round(1 / len(classes))
