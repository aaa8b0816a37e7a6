"""What differs between a classification and a regression study, in one registry (lab.yaml `task`).

`TASKS[cfg.task]` (or `task_for(cfg)`, or `task_of(y)` from a target array) gives the metric that
ranks models, the metric panel, the model families, how the split is stratified, how a model is
built and how it predicts. Notebooks and modules ask the registry instead of testing the task.
Heavy modules are imported inside the functions, so reading the registry costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .settings_checks import CLASSIFICATION_METRICS, REGRESSION_METRICS

CLASSIFICATION_PANEL = ("roc_auc", "pr_auc", "mcc", "balanced_accuracy", "f1_macro", "brier")
REGRESSION_PANEL = ("r2", "rmse", "mae", "pearson", "spearman")
PRIOR = "prior"


@dataclass(frozen=True)
class Task:
    """One task's choices; the callables are module functions named in the registry below."""

    name: str
    default_metric: str
    metrics: tuple[str, ...]
    panel_metrics: tuple[str, ...]
    families: tuple[str, ...]
    prior_label: str
    _score: Callable
    _predict: Callable
    _panel: Callable
    _build: Callable
    _network: Callable
    _stratify: Callable
    _labels: Callable
    _confounding: Callable
    _confounding_warnings: Callable

    @property
    def prior(self) -> str:
        """Family key of the model that knows nothing (class frequencies, or the training mean)."""
        return PRIOR

    @property
    def is_regression(self) -> bool:
        return self.name == "regression"

    def metric(self, metric: str | None = None) -> str:
        """The metric in force: `metric`, or the task's default when None."""
        return metric or self.default_metric

    def score(self, model, X, y, metric: str | None = None) -> float:
        """The ranking score of a fitted model on (X, y); higher is better (rmse and mae negated)."""
        return self._score(model, X, y, self.metric(metric))

    def scorer(self, metric: str | None = None) -> Callable:
        """`f(estimator, X, y)` returning `score` (scikit-learn's scorer signature)."""
        chosen = self.metric(metric)
        return lambda estimator, X, y: self._score(estimator, X, y, chosen)

    def predict(self, model, X) -> np.ndarray:
        """Class probabilities (n, classes) for classification; numbers (n,) in target units for regression."""
        return self._predict(model, X)

    def panel(self, y_true, predicted, classes=None) -> dict:
        """Every panel metric of one set of predictions (rmse and mae as they are, not negated)."""
        return self._panel(y_true, predicted, classes)

    def build_model(self, family, X, params=None, seed=0, device=None):
        """Unfitted Pipeline (training-only preprocessor, then the estimator) of any family, network included."""
        return self._build(family, X, params, seed, device)

    def make_network(self, X, params=None, seed=0, device=None):
        """Unfitted Pipeline of the modality's network with this task's head."""
        return self._network(X, params, seed, device)

    def stratify_labels(self, y, bins: int = 5) -> np.ndarray:
        """What the split keeps even across train, tune and test: the classes, or quantile bins of the target."""
        return self._stratify(np.asarray(y), bins)

    def display_labels(self, y, bins: int = 5) -> np.ndarray:
        """What tables and figures group samples by: the classes, or the target's quantile bins as text."""
        return self._labels(np.asarray(y), bins)

    def confounding(self, groups, y, frame, threshold, seed=0, skip=()) -> tuple[dict | None, dict]:
        """How well the group column, and each metadata column of `frame`, alone predict the target (Tip 4)."""
        return self._confounding(groups, y, frame, threshold, seed, skip)

    def confounding_warnings(self, group_result, by_column) -> list[dict]:
        """Warnings for the group column and the metadata columns that predict the target beyond the threshold."""
        return self._confounding_warnings(group_result, by_column)

    def sign(self, metric: str | None = None) -> int:
        """+1 when the metric's value is its score, -1 when the score is its negation (rmse, mae)."""
        return -1 if self.metric(metric) in ("rmse", "mae") else 1


# classification --------------------------------------------------------------------------------
def _classification_score(model, X, y, metric):
    from .classification.evaluation import score_model

    return score_model(model, X, y)


def _classification_predict(model, X):
    return np.asarray(model.predict_proba(X), dtype=float)


def _classification_panel(y_true, proba, classes):
    from .classification.evaluation import metric_panel

    return metric_panel(y_true, proba, list(classes))


def _classification_build(family, X, params, seed, device):
    from ..models.baselines import make_model
    from ..models.networks import make_network

    if family == "network":  # tuning.NETWORK, named here so the registry does not import the search
        return make_network(X, params, seed, device=device)
    return make_model(family, X, params, seed)


def _classification_network(X, params, seed, device):
    from ..models.networks import make_network

    return make_network(X, params, seed, device=device)


def _classification_stratify(y, bins):
    return y


def _classification_confounding(groups, y, frame, threshold, seed, skip):
    from ..data.explore import group_predicts_label
    from .classification.confounding import columns_predict_label

    return (group_predicts_label(groups, y, threshold, seed),
            columns_predict_label(frame, y, threshold, seed, skip=skip))


def _classification_confounding_warnings(group_result, by_column):
    from ..data.explore import structure_warnings
    from .classification.confounding import confounding_warnings

    return structure_warnings([], None, group_result, None) + confounding_warnings(by_column)


# regression ------------------------------------------------------------------------------------
def _regression_score(model, X, y, metric):
    from .regression.metrics import score_regression

    return score_regression(model, X, y, metric)


def _regression_predict(model, X):
    return np.asarray(model.predict(X), dtype=float).reshape(-1)


def _regression_panel(y_true, predicted, classes):
    from .regression.metrics import regression_panel

    return regression_panel(y_true, predicted)


def _regression_build(family, X, params, seed, device):
    from .regression.models import build_regression_model

    return build_regression_model(family, X, params, seed=seed, device=device)


def _regression_network(X, params, seed, device):
    from .regression.networks import make_regression_network

    return make_regression_network(X, params, seed, device=device)


def _regression_stratify(y, bins):
    from .regression.bins import quantile_bins

    return quantile_bins(y, bins)["codes"]


def _regression_labels(y, bins):
    from .regression.bins import bin_labels

    return bin_labels(y, bins)


def _regression_confounding(groups, y, frame, threshold, seed, skip):
    from .regression.confounding import columns_predict_target, group_predicts_target

    return (group_predicts_target(groups, y, threshold, seed),
            columns_predict_target(frame, y, threshold, seed, skip=skip))


def _regression_confounding_warnings(group_result, by_column):
    from .regression.confounding import target_confounding_warnings

    return target_confounding_warnings(group_result, by_column)


TASKS = MappingProxyType(
    {
        "classification": Task(
            name="classification", default_metric="roc_auc", metrics=CLASSIFICATION_METRICS,
            panel_metrics=CLASSIFICATION_PANEL,
            families=("logistic_regression", "random_forest", "k_nearest_neighbours", "naive_bayes", "svm",
                      "network"),
            prior_label="prior", _score=_classification_score, _predict=_classification_predict,
            _panel=_classification_panel, _build=_classification_build, _network=_classification_network,
            _stratify=_classification_stratify, _labels=_classification_stratify,
            _confounding=_classification_confounding, _confounding_warnings=_classification_confounding_warnings,
        ),
        "regression": Task(
            name="regression", default_metric="r2", metrics=REGRESSION_METRICS, panel_metrics=REGRESSION_PANEL,
            families=("ridge", "random_forest", "k_nearest_neighbours", "svm", "network"),
            prior_label="mean predictor", _score=_regression_score, _predict=_regression_predict,
            _panel=_regression_panel, _build=_regression_build, _network=_regression_network,
            _stratify=_regression_stratify, _labels=_regression_labels, _confounding=_regression_confounding,
            _confounding_warnings=_regression_confounding_warnings,
        ),
    }
)


def task_for(cfg) -> Task:
    """The Task of a validated lab.yaml."""
    return TASKS[cfg.task]


def task_of(y) -> Task:
    """The Task of a target array: numbers stored as floats are a regression target, anything else classes.

    Datasets keep class labels as text and regression targets as float64, so the two never mix.
    """
    return TASKS["regression" if np.asarray(y).dtype.kind == "f" else "classification"]


METRIC_LABELS = {"roc_auc": "ROC-AUC", "r2": "R²", "rmse": "−RMSE", "mae": "−MAE", "spearman": "Spearman"}


def metric_label(metric: str) -> str:
    """How a ranking score is named in tables and axes (RMSE and MAE are maximised negated)."""
    return METRIC_LABELS.get(metric, metric)


def primary_metric(cfg) -> str:
    """lab.yaml's tuning.metric, or the task's default (roc_auc, r2)."""
    return task_for(cfg).metric(cfg.tuning.metric)
