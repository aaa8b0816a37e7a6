"""What notebooks 06 and 07 do for a number: the views a regression study fills in (Tips 8, 9, 10)."""

import numpy as np

from ...interpretation.interpret import interpretation_cautions
from ..views import EthicsView, InterpretView
from .interpret import (
    high_target_rows,
    metadata_r2,
    r2_scorer,
    regression_cautions,
    regression_sequence_attributions,
    residual_examples,
    surrogate_regression_tree,
)
from .metrics import predict_numbers
from .models import build_regression_model
from .plots import surrogate_figure
from .subgroups import gap_threshold, regression_subgroup_findings, regression_subgroup_report


def _explained_rows(y, positive, classes):
    mask = np.zeros(len(y), dtype=bool)
    mask[high_target_rows(y)] = True
    return mask, "tune sequences in the top quarter of the target"


def _attributions(model, X, positive):
    return regression_sequence_attributions(model, X)


def _examples(model, X, y):
    return residual_examples(y, model.predict(X))


def _r2(value):
    return "undefined (the network predicts a constant)" if value is None else f"R² {value:.3f}"


def _cautions(agreement, stability, floor, surrogate=None, shortcut=None):
    return interpretation_cautions(agreement, stability, floor) + regression_cautions(surrogate, shortcut)


def _report(models, frame_train, frame_tune, X_tune, y_tune, settings):
    return regression_subgroup_report(models, frame_train, frame_tune, X_tune, y_tune, settings, predict_numbers)


def _no_imbalance(y, ratio):
    return []  # a numeric target has no classes; its skew and outliers are read in notebook 00


def _figure(table, overall):
    from .plots import subgroup_error_bars

    return subgroup_error_bars(table, overall)


INTERPRETATION = InterpretView(
    importance_unit="R²", scoring=r2_scorer, shortcut_score=r2_scorer, predictability=metadata_r2,
    surrogate=surrogate_regression_tree,
    fidelity_words="R² of the tree's predictions to the network's on the tune split", show_fidelity=_r2,
    explained=_explained_rows, attributions=_attributions, cautions=_cautions, build_model=build_regression_model,
    examples=_examples, surrogate_figure=surrogate_figure,
)

ETHICS = EthicsView(
    gap_metric="mae",
    gap_words="largest minus smallest mean absolute error across a column's groups, as a share of the overall MAE",
    report=_report, threshold=gap_threshold, findings=regression_subgroup_findings, figure=_figure,
    imbalance=_no_imbalance,
)
