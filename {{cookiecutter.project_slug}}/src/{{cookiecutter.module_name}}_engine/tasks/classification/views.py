"""What notebooks 06 and 07 do for classes: the views a classification study fills in (Tips 8, 9, 10)."""

import numpy as np
import pandas as pd

from ...ethics.register import imbalance_finding, subgroup_findings
from ...ethics.subgroups import GAP_METRIC, subgroup_report
from ...interpretation.interpret import interpretation_cautions, metadata_predictability, surrogate_tree
from ...interpretation.plots import surrogate_tree_figure
from ..views import EthicsView, InterpretView
from .evaluation import score_model


def _build(family, X, params=None, seed=0, device=None):
    from ...tuning.spaces import build_model

    return build_model(family, X, params, seed=seed, device=device)


def _explained_rows(y, positive, classes):
    chosen = positive if positive is not None else classes[-1]
    return np.asarray(y).astype(str) == str(chosen), f"tune sequences of class {chosen}"


def _attributions(model, X, positive):
    from ...modalities.sequence.motifs import sequence_attributions

    return sequence_attributions(model, X, positive_class=positive)


def saliency_examples(y_true, y_pred, classes, per_group=2) -> list[dict]:
    """Up to `per_group` rows per class that the network got right and wrong (first in data order)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    picked = []
    for label in classes:
        for correct in (True, False):
            rows = np.flatnonzero((y_true == label) & ((y_pred == y_true) == correct))[:per_group]
            picked += [{"row": int(r), "label": str(label), "predicted": str(y_pred[r]), "correct": correct}
                       for r in rows]
    return picked


def _examples(model, X, y):
    return saliency_examples(y, model.predict(X), model.classes_)


def _share(value):
    return f"{value:.1%}"


def _imbalance(y, ratio):
    return imbalance_finding(pd.Series(y).value_counts().to_dict(), ratio)


def _figure(table, overall):
    from ...figures import plots

    return plots.subgroup_bars(table, overall)


INTERPRETATION = InterpretView(
    importance_unit="ROC-AUC", scoring=None, shortcut_score=score_model, predictability=metadata_predictability,
    surrogate=surrogate_tree, fidelity_words="share of tune samples where tree and network predict the same class",
    show_fidelity=_share, explained=_explained_rows, attributions=_attributions, cautions=interpretation_cautions,
    build_model=_build, examples=_examples, surrogate_figure=surrogate_tree_figure,
)

ETHICS = EthicsView(
    gap_metric=GAP_METRIC, gap_words="largest minus smallest balanced accuracy across a column's groups",
    report=subgroup_report, threshold=lambda settings: float(settings.subgroup_gap), findings=subgroup_findings,
    figure=_figure, imbalance=_imbalance,
)
