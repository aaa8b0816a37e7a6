"""Classification: a class per sample (lab.yaml `task: classification`), as the protocol asks for it.

The class holds the task's answers to the contract in tasks/contract.py; the work is done in this
folder's modules, imported when a method first needs them, so reading the registry costs nothing.
"""

from __future__ import annotations

import numpy as np

from ..contract import Task, view

METRICS = ("roc_auc",)
PANEL = ("roc_auc", "pr_auc", "mcc", "balanced_accuracy", "f1_macro", "brier")
FAMILIES = ("logistic_regression", "random_forest", "k_nearest_neighbours", "naive_bayes", "svm", "network")


class ClassificationTask(Task):
    """Class labels as text; models give class probabilities; ROC-AUC ranks them."""

    name = "classification"
    default_metric = "roc_auc"
    metrics = METRICS
    metric_labels = {"roc_auc": "ROC-AUC"}
    panel_metrics = PANEL
    families = FAMILIES
    prior_label = "prior"
    display_name = "label"
    confounding_measure = ("adjusted_balanced_accuracy", "chance-adjusted balanced accuracy")

    # the target -------------------------------------------------------------------------------
    def accepts(self, y) -> bool:
        return np.asarray(y).dtype.kind != "f"

    def target(self, values, source, column, places):
        from .labels import class_labels

        return class_labels(values, source, column, places)

    def classes(self, y, positive, source):
        from .labels import class_order

        return class_order(np.asarray(y), positive, source)

    def floor_counts(self, y, everything):
        import pandas as pd

        return {str(k): int(v) for k, v in pd.Series(np.asarray(y)).value_counts().sort_index().items()}

    def stratify_labels(self, y, bins=5):
        return np.asarray(y)

    def display_labels(self, y, bins=5):
        return np.asarray(y)

    # settings ---------------------------------------------------------------------------------
    def settings_problem(self, cfg):
        metric = cfg.tuning.metric
        if metric is not None and metric not in self.metrics:
            return (f"tuning.metric '{metric}' is a regression metric; for task: classification use roc_auc "
                    "(or null), or set task: regression")
        if cfg.network.loss is not None:
            return (f"network.loss '{cfg.network.loss}' applies to task: regression only; "
                    "remove it or set it to null")
        wrong = [f for f in cfg.tuning.families if f not in self.families]
        if wrong:
            return (f"tuning.families lists {', '.join(wrong)}, a regression model; for task: classification "
                    "use logistic_regression instead, or set task: regression")
        return None

    # models and scores ------------------------------------------------------------------------
    def score(self, model, X, y, metric=None):
        from .evaluation import score_model

        return score_model(model, X, y)

    def predict(self, model, X):
        return np.asarray(model.predict_proba(X), dtype=float)

    def panel(self, y_true, predicted, classes=None):
        from .evaluation import metric_panel

        return metric_panel(y_true, predicted, list(classes))

    def build_model(self, family, X, params=None, seed=0, device=None):
        from ...tuning.spaces import build_model

        return build_model(family, X, params, seed=seed, device=device)

    def make_network(self, X, params=None, seed=0, device=None):
        from ...models.networks import make_network

        return make_network(X, params, seed, device=device)

    def confounding(self, groups, y, frame, threshold, seed=0, skip=()):
        from ...data.explore import group_predicts_label
        from .confounding import columns_predict_label

        return (group_predicts_label(groups, y, threshold, seed),
                columns_predict_label(frame, y, threshold, seed, skip=skip))

    def confounding_warnings(self, group_result, by_column):
        from ...data.explore import structure_warnings
        from .confounding import confounding_warnings

        return structure_warnings([], None, group_result, None) + confounding_warnings(by_column)

    # notebook views: (module of this folder, name in it), imported on first use --------------
    question = view("question", "QUESTION")
    baselines = view("models", "BASELINES")
    network = view("checks", "HEAD")
    overfitting = view("overfitting", "OVERFITTING")
    interpretation = view("views", "INTERPRETATION")
    report = view("report", "REPORT")
    ethics = view("views", "ETHICS")


TASK = ClassificationTask()
