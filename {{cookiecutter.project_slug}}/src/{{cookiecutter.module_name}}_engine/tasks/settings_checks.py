"""Settings of lab.yaml that belong to one task only (classification or regression).

Kept apart from config.py so the rules read in one place; each problem is one sentence naming the
field and the fix (config.py adds the file name).
"""

from __future__ import annotations

CLASSIFICATION_ONLY_FAMILIES = ("logistic_regression", "naive_bayes")
REGRESSION_ONLY_FAMILIES = ("ridge",)
CLASSIFICATION_METRICS = ("roc_auc",)
REGRESSION_METRICS = ("r2", "rmse", "mae", "spearman")


def with_task_families(raw, regression_families):
    """Raw lab.yaml settings in which a regression study without tuning.families tunes the regression families."""
    if isinstance(raw, dict) and raw.get("task") == "regression":
        tuning = raw.get("tuning")
        if tuning is None or (isinstance(tuning, dict) and "families" not in tuning):
            raw = {**raw, "tuning": {**(tuning or {}), "families": list(regression_families)}}
    return raw


def task_field_problem(cfg) -> str | None:
    """The first setting that does not fit `task`, as a sentence, or None when all fit."""
    if cfg.task == "regression":
        return _regression_problem(cfg)
    return _classification_problem(cfg)


def _regression_problem(cfg) -> str | None:
    if cfg.data.positive_class is not None:
        return (f"data.positive_class ('{cfg.data.positive_class}') applies to classification only; "
                "set it to null for task: regression")
    metric = cfg.tuning.metric
    if metric is not None and metric not in REGRESSION_METRICS:
        return (f"tuning.metric '{metric}' is a classification metric; for task: regression use one of "
                f"{', '.join(REGRESSION_METRICS)} (or null for r2)")
    wrong = [f for f in cfg.tuning.families if f in CLASSIFICATION_ONLY_FAMILIES]
    if wrong:
        return (f"tuning.families lists {', '.join(wrong)}, which classify and cannot predict a number; "
                "for task: regression use ridge, random_forest, k_nearest_neighbours, svm and network")
    return None


def _classification_problem(cfg) -> str | None:
    metric = cfg.tuning.metric
    if metric is not None and metric not in CLASSIFICATION_METRICS:
        return (f"tuning.metric '{metric}' is a regression metric; for task: classification use roc_auc "
                "(or null), or set task: regression")
    if cfg.network.loss is not None:
        return (f"network.loss '{cfg.network.loss}' applies to task: regression only; "
                "remove it or set it to null")
    wrong = [f for f in cfg.tuning.families if f in REGRESSION_ONLY_FAMILIES]
    if wrong:
        return (f"tuning.families lists {', '.join(wrong)}, a regression model; for task: classification "
                "use logistic_regression instead, or set task: regression")
    return None
