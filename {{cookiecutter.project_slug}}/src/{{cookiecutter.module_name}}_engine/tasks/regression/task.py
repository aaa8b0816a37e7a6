"""Regression: a number per sample (lab.yaml `task: regression`), as the protocol asks for it.

The class holds the task's answers to the contract in tasks/contract.py; the work is done in this
folder's modules, imported when a method first needs them, so reading the registry costs nothing.
"""

from __future__ import annotations

import numpy as np

from ..contract import Task, view

METRICS = ("r2", "rmse", "mae", "spearman")
PANEL = ("r2", "rmse", "mae", "pearson", "spearman")
FAMILIES = ("ridge", "random_forest", "k_nearest_neighbours", "svm", "network")
ERRORS = ("rmse", "mae")  # maximised negated: higher is better for every ranking score


class RegressionTask(Task):
    """A float64 target in its own units; models predict numbers; R² ranks them unless lab.yaml says otherwise."""

    name = "regression"
    default_metric = "r2"
    metrics = METRICS
    metric_labels = {"r2": "R²", "rmse": "−RMSE", "mae": "−MAE", "spearman": "Spearman"}
    panel_metrics = PANEL
    families = FAMILIES
    prior_label = "mean predictor"
    display_name = "target bin"
    confounding_measure = ("cv_r2", "cross-validated R²")

    # the target -------------------------------------------------------------------------------
    def accepts(self, y) -> bool:
        return np.asarray(y).dtype.kind == "f"

    def target(self, values, source, column, places):
        from .target import numeric_target

        return numeric_target(values, source, column, places)

    def classes(self, y, positive, source):
        return ()

    def floor_counts(self, y, everything):
        return {everything: int(len(y))}

    def stratify_labels(self, y, bins=5):
        from .target import quantile_bins

        return quantile_bins(np.asarray(y), bins)["codes"]

    def display_labels(self, y, bins=5):
        from .target import bin_labels

        return bin_labels(np.asarray(y), bins)

    # settings ---------------------------------------------------------------------------------
    def settings_problem(self, cfg):
        if cfg.data.positive_class is not None:
            return (f"data.positive_class ('{cfg.data.positive_class}') applies to classification only; "
                    "set it to null for task: regression")
        metric = cfg.tuning.metric
        if metric is not None and metric not in self.metrics:
            return (f"tuning.metric '{metric}' is a classification metric; for task: regression use one of "
                    f"{', '.join(self.metrics)} (or null for r2)")
        wrong = [f for f in cfg.tuning.families if f not in self.families]
        if wrong:
            return (f"tuning.families lists {', '.join(wrong)}, which classify and cannot predict a number; "
                    f"for task: regression use {', '.join(self.families[:-1])} and {self.families[-1]}")
        return None

    def split_settings(self, cfg):
        return {"task": self.name, "target_bins": cfg.split.target_bins}

    def strata_notice(self, cfg, data):
        from .target import strata_notice

        return strata_notice(cfg, data)

    def split_record(self, cfg, y):
        from .target import stratification_record

        return {"stratified_on": stratification_record(y, cfg.split.target_bins)}

    def network_settings(self, cfg):
        return {"loss": cfg.network.loss or "mse"}

    # models and scores ------------------------------------------------------------------------
    def sign(self, metric=None):
        return -1 if self.metric(metric) in ERRORS else 1

    def study_key(self, key, metric=None):
        return f"{key}:{self.metric(metric)}"

    def score(self, model, X, y, metric=None):
        from .metrics import score_regression

        return score_regression(model, X, y, self.metric(metric))

    def predict(self, model, X):
        from .metrics import predict_numbers

        return predict_numbers(model, X)

    def panel(self, y_true, predicted, classes=None):
        from .metrics import regression_panel

        return regression_panel(y_true, predicted)

    def build_model(self, family, X, params=None, seed=0, device=None):
        from .models import build_regression_model

        return build_regression_model(family, X, params, seed=seed, device=device)

    def make_network(self, X, params=None, seed=0, device=None):
        from .networks import make_regression_network

        return make_regression_network(X, params, seed, device=device)

    def confounding(self, groups, y, frame, threshold, seed=0, skip=()):
        from .confounding import columns_predict_target, group_predicts_target

        return (group_predicts_target(groups, y, threshold, seed),
                columns_predict_target(frame, y, threshold, seed, skip=skip))

    def confounding_warnings(self, group_result, by_column):
        from .confounding import target_confounding_warnings

        return target_confounding_warnings(group_result, by_column)

    # notebook views: (module of this folder, name in it), imported on first use --------------
    question = view("profile", "QUESTION")
    baselines = view("models", "BASELINES")
    network = view("checks", "HEAD")
    overfitting = view("overfitting", "OVERFITTING")
    interpretation = view("views", "INTERPRETATION")
    report = view("report", "REPORT")
    ethics = view("views", "ETHICS")


TASK = RegressionTask()
