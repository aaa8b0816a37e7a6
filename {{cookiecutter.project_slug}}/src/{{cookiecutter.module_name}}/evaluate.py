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
    roc_auc_score,
)
from sklearn.preprocessing import label_binarize

from .errors import LabError

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
