"""What notebook 07 does differently when the target is a class or a number (Tip 10).

One registry keyed by lab.yaml's `task`: how subgroup metrics are computed and compared, which
gap raises a register entry and against which threshold, the figure, and whether class
imbalance is a check at all.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..ethics.register import imbalance_finding, subgroup_findings
from ..ethics.subgroups import GAP_METRIC, subgroup_report
from .regression.subgroups import gap_threshold, regression_subgroup_findings, regression_subgroup_report


@dataclass(frozen=True)
class EthicsTask:
    """The task-specific pieces of notebook 07."""

    name: str
    gap_metric: str  # the metric whose spread across groups is flagged
    gap_words: str  # how the gap reads in the artifact and the report
    report: Callable  # (models, frame_train, frame_tune, X_tune, y_tune, settings) -> table, gaps, overall, defs
    threshold: Callable  # settings -> the threshold in force
    findings: Callable  # (gaps, threshold) -> register findings
    figure: Callable  # (table, overall) -> figure
    imbalance: Callable  # (y, ratio) -> register findings on class imbalance (none for a number)


def _class_imbalance(y, ratio):
    return imbalance_finding(pd.Series(y).value_counts().to_dict(), ratio)


def _no_imbalance(y, ratio):
    return []  # a numeric target has no classes; its skew and outliers are read in notebook 00


def _regression_report(models, frame_train, frame_tune, X_tune, y_tune, settings):
    from .registry import TASKS

    return regression_subgroup_report(models, frame_train, frame_tune, X_tune, y_tune, settings,
                                      TASKS["regression"].predict)


def _class_figure(table, overall):
    from ..figures import plots

    return plots.subgroup_bars(table, overall)


def _number_figure(table, overall):
    from .regression.figures import subgroup_error_bars

    return subgroup_error_bars(table, overall)


ETHICS = {
    "classification": EthicsTask(
        name="classification", gap_metric=GAP_METRIC,
        gap_words="largest minus smallest balanced accuracy across a column's groups",
        report=subgroup_report, threshold=lambda settings: float(settings.subgroup_gap), findings=subgroup_findings,
        figure=_class_figure, imbalance=_class_imbalance,
    ),
    "regression": EthicsTask(
        name="regression", gap_metric="mae",
        gap_words="largest minus smallest mean absolute error across a column's groups, as a share of the overall MAE",
        report=_regression_report, threshold=gap_threshold, findings=regression_subgroup_findings,
        figure=_number_figure, imbalance=_no_imbalance,
    ),
}


def ethics_for(task):
    """The registry entry of lab.yaml's task ('classification' or 'regression')."""
    return ETHICS[str(task or "classification")]
