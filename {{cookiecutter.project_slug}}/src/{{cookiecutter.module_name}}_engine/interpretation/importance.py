"""How much a fitted model relies on each input: permutation importance and integrated gradients (Tips 8, 9).

Importance tables share one layout (tables.COLUMNS): each input's mean importance, its spread over the
repeats or samples, and a 95% interval, so every method and model can be compared by rank.
"""

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from ..common.errors import LabError
from ..tasks.classification.evaluation import DECIMALS, score_model
from ..tasks.classification.rank_metrics import binary_auc_scorer
from .permute import permutation_importances, shuffles_commute
from .tables import importance_frame, network_parts


def permutation_importance_table(model, X, y, n_repeats, seed, scoring=None, derived=False):
    """Drop in ROC-AUC (or `scoring(estimator, X, y)`, e.g. R²) when each column is shuffled, with a 95% interval.

    Sorted from most to least relied-on; an interval that includes 0 means no clear reliance.
    """
    if not isinstance(X, pd.DataFrame):
        raise LabError("permutation importance needs the raw feature DataFrame so columns keep their names.")
    if int(n_repeats) < 1:
        raise LabError(
            "permutation repeats must be at least 1, not "
            f"{n_repeats}; correct permutation_repeats in lab.yaml."
        )
    names = [str(c) for c in X.columns]
    if derived:  # shuffle each k-mer frequency / image feature the model reads, not the raw input
        if not hasattr(model[:-1], "get_feature_names_out"):
            raise LabError("permutation importance for sequences needs a k-mer model (a baseline); "
                           "use integrated gradients for the network.")
        names = [str(n) for n in model[:-1].get_feature_names_out()]
        X, model = model[:-1].transform(X), model[-1]
    elif isinstance(model, Pipeline) and shuffles_commute(model[:-1], X):  # same numbers, preprocessed once
        X, model = model[:-1].transform(X), model[-1]
    y = np.asarray(y)  # ROC-AUC of each repeat from counts, the labels checked once: the same numbers
    scorer = scoring or binary_auc_scorer(y, getattr(model, "classes_", ()), primary_scorer, DECIMALS)
    with threadpool_limits(limits=1):  # hundreds of small predictions: threads cost more than they give
        if isinstance(X, np.ndarray):  # preprocessed once: each column's repeats predicted in one call
            drops = permutation_importances(model, X, y, scorer, n_repeats, seed)
        else:
            drops = permutation_importance(model, X, y, scoring=scorer, n_repeats=int(n_repeats),
                                           random_state=int(seed), n_jobs=1).importances
    return importance_frame(names, drops)


def integrated_gradients_table(model, X, X_reference, n_steps=32):
    """Mean |integrated gradient| per original column of a fitted network Pipeline, and the convergence delta.

    Attributions are computed on the preprocessed inputs through the pipeline's fitted
    preprocessing, from a baseline at the training mean (zero after standardisation), for the
    positive class (binary) or each sample's predicted class; one-hot columns are summed back
    into the column they came from.
    """
    import torch
    from captum.attr import IntegratedGradients

    prep, network = network_parts(model)
    inputs = torch.as_tensor(np.asarray(prep.transform(X), dtype=np.float32))
    reference = np.asarray(prep.transform(X_reference), dtype=np.float32).mean(axis=0, keepdims=True)
    device = next(network.module_.parameters()).device
    inputs, baseline = inputs.to(device), torch.as_tensor(reference).to(device).expand_as(inputs)
    network.module_.eval()
    with torch.no_grad():
        logits = network.module_(inputs)
    target = None if logits.ndim == 1 else 0 if logits.shape[1] == 1 else logits.argmax(dim=1)
    attributions, delta = IntegratedGradients(network.module_).attribute(
        inputs, baselines=baseline, target=target, n_steps=int(n_steps), return_convergence_delta=True
    )
    per_output = np.abs(attributions.detach().cpu().numpy().astype(np.float64))
    owners = _output_columns(prep)
    features = [str(c) for c in X.columns if c in set(owners)]
    per_column = np.stack([per_output[:, [o == f for o in owners]].sum(axis=1) for f in features])
    deltas = np.abs(delta.detach().cpu().numpy().astype(np.float64))
    convergence = {
        "max_abs_delta": round(float(deltas.max()), 6),
        "mean_abs_delta": round(float(deltas.mean()), 6),
        "n_steps": int(n_steps),
    }
    return importance_frame(features, per_column), convergence


def primary_scorer(estimator, X, y):
    return score_model(estimator, X, y)


def _output_columns(prep):
    """The original column behind each output column of a fitted preprocessing step."""
    transformer = prep[-1] if isinstance(prep, Pipeline) else prep
    owners = []
    for name, steps, columns in transformer.transformers_:
        if name == "remainder" or steps == "drop":
            continue
        if name == "categorical":
            encoder = steps.named_steps["encode"]
            for column, categories in zip(columns, encoder.categories_, strict=True):
                owners += [column] * len(categories)
        else:
            owners += list(columns)
    return owners
