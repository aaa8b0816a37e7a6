"""What notebook 06 does differently when the target is a class or a number (Tips 8, 9).

One registry, keyed by lab.yaml's `task`, like architectures.ARCHITECTURES: the score permutation
importance watches, the surrogate and how its fidelity reads, how metadata are judged, which
sequences the motif is read from, and the cautions special to the task.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..interpretation.interpret import interpretation_cautions, metadata_predictability, surrogate_tree
from .classification.evaluation import score_model
from .regression.interpret import (
    high_target_rows,
    metadata_r2,
    r2_scorer,
    regression_cautions,
    regression_sequence_attributions,
    surrogate_regression_tree,
)


@dataclass(frozen=True)
class InterpretTask:
    """The task-specific pieces of notebook 06."""

    name: str
    importance_unit: str  # what a permutation importance is a drop in
    scoring: Callable | None  # scorer(estimator, X, y) for permutation importance; None = ROC-AUC
    shortcut_score: Callable  # score(model, X, y) of the shortcut refits
    predictability: Callable  # (meta, target, seed) -> cross-validated result of metadata alone
    surrogate: Callable  # (model, X_train, X_tune, depth, seed) -> surrogate with .summary()
    fidelity_words: str  # how the surrogate's fidelity reads
    show_fidelity: Callable  # a fidelity value as text ('93.0%' of samples, or 'R² 0.812')
    explained: Callable  # (y, positive_class, classes) -> (boolean mask of the rows explained, description)
    attributions: Callable  # (model, X, positive_class) -> (attributions, onehot, convergence)
    cautions: Callable  # (agreement, stability, floor, surrogate summary, shortcut) -> sentences
    build_model: Callable  # (family, X, params, seed=, device=) -> unfitted Pipeline of the task


def _class_build(family, X, params=None, seed=0, device=None):
    from ..tuning.spaces import build_model

    return build_model(family, X, params, seed=seed, device=device)


def _number_build(family, X, params=None, seed=0, device=None):
    from .registry import TASKS

    return TASKS["regression"].build_model(family, X, params, seed=seed, device=device)


def _class_rows(y, positive, classes):
    chosen = positive if positive is not None else classes[-1]
    return np.asarray(y).astype(str) == str(chosen), f"tune sequences of class {chosen}"


def _high_rows(y, positive, classes):
    mask = np.zeros(len(y), dtype=bool)
    mask[high_target_rows(y)] = True
    return mask, "tune sequences in the top quarter of the target"


def _class_attributions(model, X, positive):
    from ..modalities.sequence.motifs import sequence_attributions

    return sequence_attributions(model, X, positive_class=positive)


def _share(value):
    return f"{value:.1%}"


def _r2(value):
    return "undefined (the network predicts a constant)" if value is None else f"R² {value:.3f}"


def _number_attributions(model, X, positive):
    return regression_sequence_attributions(model, X)


def _number_cautions(agreement, stability, floor, surrogate=None, shortcut=None):
    return interpretation_cautions(agreement, stability, floor) + regression_cautions(surrogate, shortcut)


INTERPRETATION = {
    "classification": InterpretTask(
        name="classification", importance_unit="ROC-AUC", scoring=None, shortcut_score=score_model,
        predictability=metadata_predictability, surrogate=surrogate_tree,
        fidelity_words="share of tune samples where tree and network predict the same class", show_fidelity=_share,
        explained=_class_rows, attributions=_class_attributions, cautions=interpretation_cautions,
        build_model=_class_build,
    ),
    "regression": InterpretTask(
        name="regression", importance_unit="R²", scoring=r2_scorer, shortcut_score=r2_scorer,
        predictability=metadata_r2, surrogate=surrogate_regression_tree,
        fidelity_words="R² of the tree's predictions to the network's on the tune split", show_fidelity=_r2,
        explained=_high_rows, attributions=_number_attributions, cautions=_number_cautions,
        build_model=_number_build,
    ),
}


def interpretation_for(task):
    """The registry entry of lab.yaml's task ('classification' or 'regression')."""
    return INTERPRETATION[str(task or "classification")]

