"""Interpretation of a model that predicts a number (Tips 8, 9).

The same questions as for classes — which inputs does the model rely on, can a short tree
imitate it, could metadata stand in for the biology — answered in regression terms: importance
is the drop in R² when a column is shuffled, the surrogate is a regression tree whose fidelity
is its R² to the network's own predictions, and metadata are judged by how much of the target
(or of the network's predictions) they explain under cross-validation.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeRegressor

from ...common.errors import LabError
from ...interpretation.surrogate_rules import reachable_shape, readable_rules

SHORTCUT_R2 = 0.3  # metadata alone explaining this share of the target's variance is a shortcut
SURROGATE_R2 = 0.8  # a surrogate that explains less of the network's predictions is a rough sketch


def r2_scorer(estimator, X, y):
    """R² of a fitted regressor's predictions: the score permutation importance watches drop."""
    return round(float(r2_score(np.asarray(y, dtype=float), np.asarray(estimator.predict(X), dtype=float))), 6)


def predictions(model, X):
    """A fitted regressor's predictions as a flat float array, whatever shape its predict returns."""
    values = np.asarray(model.predict(X), dtype=float)
    return values.reshape(len(values), -1)[:, 0] if values.ndim > 1 else values


def fidelity(reference, imitation):
    """R² of a surrogate's predictions to the model's: 1 = the same numbers, 0 = no better than their mean."""
    reference, imitation = np.asarray(reference, dtype=float), np.asarray(imitation, dtype=float)
    if len(reference) < 2 or np.ptp(reference) == 0:
        return None  # a constant model leaves nothing to imitate or explain
    return round(float(r2_score(reference, imitation)), 6)


@dataclass(frozen=True)
class RegressionSurrogate:
    """A shallow regression tree that imitates a model, how faithfully (R²), and its rules as text."""

    pipeline: Pipeline
    feature_names: list
    fidelity_train: float | None
    fidelity_tune: float | None
    rules: str
    class_names: None = None

    def summary(self):
        depth, leaves = reachable_shape(self.pipeline[-1])
        return {
            "depth": depth,
            "leaves": leaves,
            "fidelity_measure": "r2",
            "fidelity_train": self.fidelity_train,
            "fidelity_tune": self.fidelity_tune,
            "rules": self.rules,
        }


def surrogate_regression_tree(model, X_train, X_tune, max_depth, seed, encoder=None):
    """Fit a depth-limited regression tree to the model's predictions on training rows.

    Fidelity is the R² of the tree's predictions to the model's on tune rows (and on training
    rows); each leaf of the rules gives the number the tree predicts there, in target units.
    `encoder` turns raw columns into readable numbers (by default as for the classification surrogate).
    """
    from ...interpretation.interpret import _readable_encoder

    if int(max_depth) < 1:
        raise LabError(f"surrogate depth must be at least 1, not {max_depth}; correct interpretation.surrogate_depth.")
    mimic_train, mimic_tune = predictions(model, X_train), predictions(model, X_tune)
    encoder = encoder if encoder is not None else _readable_encoder(X_train)
    tree = Pipeline(
        [("encode", encoder), ("tree", DecisionTreeRegressor(max_depth=int(max_depth), random_state=int(seed)))]
    ).fit(X_train, mimic_train)
    names = [str(n) for n in encoder.get_feature_names_out()]
    encoded = np.asarray(tree[:-1].transform(X_train), dtype=float)
    missing = np.flatnonzero(np.isnan(encoded).any(axis=0)) if encoded.size else []
    return RegressionSurrogate(
        pipeline=tree,
        feature_names=names,
        fidelity_train=fidelity(mimic_train, tree.predict(X_train)),
        fidelity_tune=fidelity(mimic_tune, tree.predict(X_tune)),
        rules=readable_rules(tree[-1], names, None, missing, decimals=3),
    )


def metadata_r2(meta, target, seed, folds=5):
    """Cross-validated R² of a ridge regression that sees only the metadata columns.

    Well above 0 means batch, site or similar columns alone explain the target (or the
    network's predictions): a shortcut a model can learn instead of the biology (Tip 9).
    None when the target is constant or there are too few rows for two folds.
    """
    from ...models.preprocess import make_preprocessor

    target = np.asarray(target, dtype=float)
    k = int(min(folds, len(target) // 2))
    if meta.shape[1] == 0 or k < 2 or np.ptp(target) == 0:
        return None
    model = Pipeline([("prep", make_preprocessor(meta)), ("ridge", RidgeCV(alphas=np.logspace(-3, 3, 13)))])
    scores = cross_val_score(model, meta, target, scoring="r2", cv=KFold(n_splits=k, shuffle=True,
                                                                          random_state=int(seed)))
    return {"r2_mean": round(float(scores.mean()), 6), "r2_std": round(float(scores.std()), 6), "folds": k}


def regression_cautions(surrogate=None, shortcut=None):
    """Sentences on a poor surrogate and on metadata that explain the target, in R² terms."""
    cautions = []
    faithful = (surrogate or {}).get("fidelity_tune")
    if faithful is not None and faithful < SURROGATE_R2:
        cautions.append(
            f"The surrogate tree explains only {surrogate['fidelity_tune']:.0%} of the variance of the network's "
            "tune predictions (R²); its rules are a rough sketch of the network, not a description of it."
        )
    alone = ((shortcut or {}).get("label_from_metadata") or {}).get("r2_mean")
    if alone is not None and alone >= SHORTCUT_R2:
        cautions.append(
            f"The metadata columns alone explain the target (cross-validated R² {alone:.2f}); "
            "the model may be learning how samples were collected rather than the biology."
        )
    return cautions


def high_target_rows(y, share=0.25):
    """Positions of the rows whose target lies in the top `share` (at least one row): where a motif acts."""
    y = np.asarray(y, dtype=float)
    if len(y) == 0:
        raise LabError("the target has no rows to choose high-activity sequences from.")
    cut = np.quantile(y, 1 - float(share))
    return np.flatnonzero(y >= cut)


def regression_sequence_attributions(model, X, *, n_steps=32, chunk=128):
    """Integrated gradients of a fitted sequence-regression Pipeline's output, per position and letter.

    A positive attribution raises the predicted number. Returns (attributions, onehot,
    convergence) shaped like motifs.sequence_attributions, from an all-zero (no letter) baseline.
    """
    import torch
    from captum.attr import IntegratedGradients

    prep, network = model[:-1], model[-1]
    if not hasattr(network, "module_") or not hasattr(network, "n_letters"):
        raise LabError("sequence attributions need a fitted sequence network (1D CNN) at the end of the Pipeline.")
    flat = np.asarray(prep.transform(X), dtype=np.float32)
    letters = int(network.n_letters)
    n, width = flat.shape
    module = network.module_
    module.eval()
    device = next(module.parameters()).device
    explainer = IntegratedGradients(module)
    attributions, deltas = [], []
    for start in range(0, n, chunk):
        inputs = torch.as_tensor(flat[start : start + chunk], device=device)
        with torch.no_grad():
            target = 0 if module(inputs[:1]).ndim == 2 else None
        attribution, delta = explainer.attribute(inputs, baselines=torch.zeros_like(inputs), target=target,
                                                 n_steps=int(n_steps), return_convergence_delta=True)
        attributions.append(attribution.detach().cpu().numpy().astype(np.float64))
        deltas.append(np.abs(delta.detach().cpu().numpy().astype(np.float64)))
    attributions = np.concatenate(attributions) if attributions else np.zeros((0, width))
    deltas = np.concatenate(deltas) if deltas else np.zeros(0)
    convergence = {"max_abs_delta": round(float(deltas.max()), 6) if len(deltas) else 0.0,
                   "mean_abs_delta": round(float(deltas.mean()), 6) if len(deltas) else 0.0, "n_steps": int(n_steps)}
    shape = (n, width // letters, letters)
    return attributions.reshape(shape), flat.astype(np.float64).reshape(shape), convergence


def residual_examples(y_true, y_pred, per_group=4) -> list[dict]:
    """A numeric target: the `per_group` tune images predicted best and worst (smallest, largest |residual|)."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    order = np.argsort(np.abs(y_true - y_pred), kind="stable")
    count = min(int(per_group), len(order) // 2)
    picked = []
    worst = order[len(order) - count :][::-1]
    for rows, kind in ((order[:count], "smallest |residual|"), (worst, "largest |residual|")):
        picked += [{"row": int(r), "label": f"obs {y_true[r]:.3g}", "predicted": round(float(y_pred[r]), 6),
                    "observed": round(float(y_true[r]), 6), "residual": round(float(y_true[r] - y_pred[r]), 6),
                    "kind": kind, "correct": kind.startswith("smallest"), "mark": f"pred {y_pred[r]:.3g}"}
                   for r in rows]
    return picked
