"""Which original columns a fitted model relies on, with uncertainty (Tips 8, 9).

Permutation importance shuffles one raw column at a time through the whole Pipeline and
measures the drop in the primary score; integrated gradients trace the network's output back
to its inputs. Both show reliance, not biological cause, so they are compared with each other,
across models and across seeds, and a readable surrogate tree exposes rules an expert can judge.
"""

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import kendalltau, spearmanr
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

from ..common.errors import LabError
from ..modalities.registry import modality_of
from ..tasks.classification.evaluation import score_model
from .importance import primary_scorer
from .surrogate_rules import prune_same_class_splits, reachable_shape, readable_rules


def importance_agreement(table_a, table_b, method="spearman"):
    """Rank correlation (Spearman or Kendall) of two importance tables over the features they share.

    Two models or methods that rely on the same columns agree (near 1); disagreement warns
    against reading either ranking as biology (Tip 9).
    """
    if method not in _CORRELATIONS:
        raise LabError(f"unknown rank correlation '{method}'; choose one of {', '.join(_CORRELATIONS)}.")
    shared = table_a.merge(table_b, on="feature", suffixes=("_a", "_b"))
    if len(shared) < 2:
        raise LabError("importance agreement needs at least two features shared by both tables.")
    a, b = shared["importance_mean_a"], shared["importance_mean_b"]
    if a.nunique() < 2 or b.nunique() < 2:
        return 0.0
    return round(float(_CORRELATIONS[method](a, b)[0]), 6)


def agreement_matrix(tables, method="spearman"):
    """Square DataFrame of rank correlations between every pair of named importance tables."""
    names = list(tables)
    matrix = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for first, second in itertools.combinations(names, 2):
        value = importance_agreement(tables[first], tables[second], method)
        matrix.loc[first, second] = matrix.loc[second, first] = value
    return matrix


def seed_stability(tables_by_seed):
    """Pairwise Spearman and Kendall correlations between rankings from networks trained with other seeds.

    A ranking that changes with the seed alone describes the training run, not the data (Tip 9).
    """
    seeds = list(tables_by_seed)
    if len(seeds) < 2:
        raise LabError("stability across seeds needs at least two seeds; raise stability_seeds in lab.yaml.")
    pairs = []
    for first, second in itertools.combinations(seeds, 2):
        a, b = tables_by_seed[first], tables_by_seed[second]
        pairs.append(
            {
                "seeds": [first, second],
                "spearman": importance_agreement(a, b, "spearman"),
                "kendall": importance_agreement(a, b, "kendall"),
            }
        )
    return {
        "seeds": seeds,
        "pairs": pairs,
        "spearman_min": min(p["spearman"] for p in pairs),
        "spearman_mean": round(float(np.mean([p["spearman"] for p in pairs])), 6),
        "kendall_min": min(p["kendall"] for p in pairs),
        "kendall_mean": round(float(np.mean([p["kendall"] for p in pairs])), 6),
    }


@dataclass(frozen=True)
class Surrogate:
    """A shallow decision tree that imitates a model, how faithfully, and its rules as text."""

    pipeline: Pipeline
    feature_names: list
    class_names: list
    fidelity_train: float
    fidelity_tune: float
    rules: str

    def summary(self):
        depth, leaves = reachable_shape(self.pipeline[-1])
        return {
            "depth": depth,
            "leaves": leaves,
            "fidelity_train": self.fidelity_train,
            "fidelity_tune": self.fidelity_tune,
            "rules": self.rules,
        }


def surrogate_tree(model, X_train, X_tune, max_depth, seed):
    """Fit a depth-limited decision tree to the model's predictions on training rows.

    Fidelity is the share of tune rows where tree and model agree; the rules use the raw
    measurements, so a domain expert can spot one that contradicts biology.
    """
    if int(max_depth) < 1:
        raise LabError(f"surrogate depth must be at least 1, not {max_depth}; correct interpretation.surrogate_depth.")
    mimic_train, mimic_tune = model.predict(X_train), model.predict(X_tune)
    encoder = _readable_encoder(X_train)
    tree = Pipeline(
        [("encode", encoder), ("tree", DecisionTreeClassifier(max_depth=int(max_depth), random_state=int(seed)))]
    ).fit(X_train, mimic_train)
    names = [str(n) for n in encoder.get_feature_names_out()]
    prune_same_class_splits(tree[-1])  # a split whose sides predict one class says nothing a reader can check
    encoded = np.asarray(tree[:-1].transform(X_train), dtype=float)
    missing = np.flatnonzero(np.isnan(encoded).any(axis=0)) if encoded.size else []
    return Surrogate(
        pipeline=tree,
        feature_names=names,
        class_names=[str(c) for c in tree[-1].classes_],
        fidelity_train=round(float(np.mean(tree.predict(X_train) == mimic_train)), 6),
        fidelity_tune=round(float(np.mean(tree.predict(X_tune) == mimic_tune)), 6),
        rules=readable_rules(tree[-1], names, [str(c) for c in tree[-1].classes_], missing, decimals=3),
    )


def metadata_predictability(meta, target, seed, folds=5):
    """Cross-validated ROC-AUC of a logistic regression that sees only the metadata columns.

    Well above 0.5 means batch, site or similar columns alone carry the target: a shortcut a
    model can learn instead of the biology (Tip 9). None when the target has a single class.
    """
    from ..tasks.classification.models import make_model

    target = np.asarray(target)
    counts = pd.Series(target).value_counts()
    if len(counts) < 2 or meta.shape[1] == 0:
        return None
    k = int(min(folds, counts.min()))
    if k < 2:
        return None
    scores = cross_val_score(
        make_model("logistic_regression", meta, seed=seed),
        meta,
        target,
        scoring=primary_scorer,
        cv=StratifiedKFold(n_splits=k, shuffle=True, random_state=int(seed)),
    )
    return {"roc_auc_mean": round(float(scores.mean()), 6), "roc_auc_std": round(float(scores.std()), 6), "folds": k}


def score_without(family, params, columns, X_train, y_train, X_tune, y_tune, seed, score=score_model, build=None):
    """Tune score of a family refitted without some input columns; None if nothing would be left."""
    build = build or _build_classifier

    kept = [c for c in X_train.columns if c not in set(columns)]
    if not kept:
        return None
    model = build(family, X_train[kept], params, seed=seed).fit(X_train[kept], y_train)
    return score(model, X_tune[kept], y_tune)


def score_with(family, params, meta_train, meta_tune, X_train, y_train, X_tune, y_tune, seed, score=score_model,
               build=None):
    """Tune score of a family refitted with the metadata columns added to its inputs."""
    build = build or _build_classifier

    extra = [c for c in meta_train.columns if c not in set(X_train.columns)]
    wide_train = pd.concat([X_train.reset_index(drop=True), meta_train[extra].reset_index(drop=True)], axis=1)
    wide_tune = pd.concat([X_tune.reset_index(drop=True), meta_tune[extra].reset_index(drop=True)], axis=1)
    model = build(family, wide_train, params, seed=seed).fit(wide_train, y_train)
    return score(model, wide_tune, y_tune)


def _build_classifier(family, X, params=None, seed=0, device=None):
    from ..tuning.spaces import build_model

    return build_model(family, X, params, seed=seed, device=device)


def shortcut_check(columns, meta_train, meta_tune, models, params, X_train, y_train, X_tune, y_tune, seed,
                   score=score_model, predictability=metadata_predictability, build=None, metadata_inputs=True):
    """How far metadata columns (batch, site, sex…) could stand in for the biology.

    Reports how well they alone predict the label (cross-validated on training rows), each
    model's tune score with and without them (the models are refitted with them added when
    they are not inputs, as by default, or without them when they are), and how well they
    predict the network's own predictions. `score`, `predictability` and `build` default to ROC-AUC, a
    cross-validated logistic regression and the classifiers; a numeric target passes R², a ridge regression
    and its regressors (the task's interpretation view holds all three). `metadata_inputs` is False where the
    models read only sequences or pixels, so metadata cannot be added to their inputs.
    """
    result = {"columns": list(columns)}
    if not columns:
        result["note"] = "no metadata columns are declared in lab.yaml (data.metadata_columns); nothing was checked"
        return result
    result["label_from_metadata"] = predictability(meta_train, y_train, seed)
    inputs = [c for c in columns if c in set(X_train.columns)]
    result["model_inputs"] = inputs
    comparison = {}
    for family, model in models.items():
        own = score(model, X_tune, y_tune)
        if inputs:
            other = score_without(family, params[family], inputs, X_train, y_train, X_tune, y_tune, seed, score,
                                  build)
            full, reduced = own, other
        elif not metadata_inputs:
            break  # a sequence or image model reads only the sequence or pixels: metadata cannot be added
        else:
            full, reduced = score_with(family, params[family], meta_train, meta_tune, X_train, y_train, X_tune,
                                       y_tune, seed, score, build), own
        comparison[family] = {"with": full, "without": reduced,
                              "drop": None if reduced is None else round(full - reduced, 6)}
    if comparison:
        result["score_drop_without_metadata"] = comparison
    result["note"] = (
        "the metadata columns are model inputs (data.metadata_as_inputs: true); each model was refitted without them"
        if inputs else "the metadata columns are not model inputs; " + (
            "each model was refitted with them added, to see what they would gain" if comparison
            else "a sequence model cannot take them as inputs")
    )
    network = models.get("network") or next(iter(models.values()))
    both = pd.concat([meta_train, meta_tune], ignore_index=True)
    predicted = np.concatenate([network.predict(X_train), network.predict(X_tune)])
    result["predictions_from_metadata"] = predictability(both, predicted, seed)
    return result


def interpretation_cautions(agreement, stability, floor, surrogate=None, shortcut=None):
    """Sentences recording where the evidence is weak: disagreement, instability, a poor surrogate, shortcuts."""
    cautions = [
        "Importances show which inputs these models rely on for their predictions on these data; "
        "they are associations, not evidence that an input causes the outcome."
    ]
    for pair, value in agreement.items():
        if value < floor:
            cautions.append(
                f"The rankings of {pair} disagree (Spearman {value:.2f}, below {floor:g}); "
                "neither ranking should be read as the biology."
            )
    for method, summary in stability.items():
        if summary["spearman_min"] < floor:
            cautions.append(
                f"The {method} ranking changes with the network's seed alone (lowest Spearman "
                f"{summary['spearman_min']:.2f} between seeds); it describes a training run, not the data."
            )
    if surrogate is not None and surrogate["fidelity_tune"] < 0.9:
        cautions.append(
            f"The surrogate tree agrees with the network on only {surrogate['fidelity_tune']:.0%} of tune "
            "samples; its rules are a rough sketch of the network, not a description of it."
        )
    if shortcut and shortcut.get("columns"):
        alone = (shortcut.get("label_from_metadata") or {}).get("roc_auc_mean")
        if alone is not None and alone >= 0.7:
            cautions.append(
                f"The metadata columns alone predict the label (cross-validated ROC-AUC {alone:.2f}); "
                "the model may be learning how samples were collected rather than the biology."
            )
    return cautions


NOT_SUPPORTED = (
    "That any input causes the outcome, or that changing it would change the outcome.",
    "That inputs with low importance are biologically irrelevant (correlated inputs share importance).",
    "That the model relies on the same inputs in another population, site or measurement protocol.",
    "That the importances rank the biology rather than this model's use of these data.",
)


def unsupported_claims(shortcut):
    """Claims this run does not support, including an absent shortcut check when no metadata was declared."""
    claims = list(NOT_SUPPORTED)
    if not (shortcut or {}).get("columns"):
        claims.append(
            "That the model does not exploit batch, site or other collection shortcuts: "
            "no metadata columns were declared, so none were checked."
        )
    return claims


_CORRELATIONS = {"spearman": spearmanr, "kendall": kendalltau}


def _readable_encoder(X):
    """Features a person can read in a rule: numbers and categories, k-mer frequencies, image features."""
    return modality_of(X).readable_features(X)
