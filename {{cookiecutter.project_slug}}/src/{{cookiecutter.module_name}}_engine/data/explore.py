"""Tip 4: know your data before modelling it.

Class balance, missing values, exact and near-duplicate samples, repeated subjects, batch
structure and suspicious columns, each returned as plain data with warnings in sentences
(tagged by the check that raised them), so surprises surface before any model is trained.
"""

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import OneHotEncoder

from ..common.errors import LabError
from ..evaluation.scale import EXACT_NEIGHBOURS_UP_TO, neighbours_within
from .columns import categorical_columns, numeric_columns

MOSTLY_MISSING = 0.5
IMBALANCE_WARNING = 3.0


def class_balance(y):
    """Number of samples per class, labels as text, in sorted label order.

    The first thing to know about a classification target: rare classes limit every model.
    """
    labels = pd.Series(np.asarray(y, dtype=object).ravel())
    missing = int(labels.isna().sum())
    if missing:
        raise LabError(
            f"{missing} sample(s) have no class label; "
            "label them or drop them from the data file."
        )
    counts = labels.astype(str).value_counts()
    return {str(label): int(counts[label]) for label in sorted(counts.index)}


def missingness(X):
    """Missing values per column (count and fraction), most-missing first.

    Imputation is fitted on training rows, but heavy missingness still needs a decision.
    """
    n_missing = X.isna().sum()
    table = pd.DataFrame(
        {
            "column": [str(c) for c in X.columns],
            "n_missing": n_missing.to_numpy(dtype=int),
            "fraction": np.round(n_missing.to_numpy(dtype=float) / max(len(X), 1), 6),
        }
    )
    ordered = table.sort_values(["n_missing", "column"], ascending=[False, True], kind="mergesort")
    return ordered.reset_index(drop=True)


def duplicate_rows(X):
    """Groups of row positions whose feature values are identical (missing equals missing).

    Duplicates split between training and test rows let a model score by recall, not skill.
    """
    if len(X) == 0:
        return []
    repeated = X.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return []
    keys = pd.util.hash_pandas_object(X, index=False).to_numpy()
    positions = np.flatnonzero(repeated)
    groups = {}
    for position in positions:
        groups.setdefault(keys[position], []).append(int(position))
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def summarize(X, y, modality):
    """One dictionary describing the table and target, with warnings as sentences.

    What notebook 01 records as the data's profile before any split is made; `modality` (the study's
    Modality) names identical samples and adds the warnings its own kind of data asks for.
    """
    if len(X) != len(y):
        raise LabError(
            f"the feature table has {len(X)} rows but there "
            f"are {len(y)} labels; they must match one to one."
        )
    balance = class_balance(y)
    duplicates = duplicate_rows(X)
    missing = missingness(X)
    return {
        "n_rows": int(len(X)),
        "n_columns": int(X.shape[1]),
        "numeric_columns": [str(c) for c in numeric_columns(X)],
        "categorical_columns": [str(c) for c in categorical_columns(X)],
        "class_balance": balance,
        "columns_with_missing": missing.loc[missing["n_missing"] > 0, "column"].tolist(),
        "n_duplicate_groups": len(duplicates),
        "warnings": _warnings(X, y, balance, duplicates, missing, modality),
    }


def warning(check, message):
    """One finding as the artifacts record it: the check that raised it and a sentence."""
    return {"check": check, "message": message}


def _warnings(X, y, balance, duplicates, missing, modality):
    found = []
    ratio = max(balance.values()) / min(balance.values())
    if ratio > IMBALANCE_WARNING:
        found.append(warning(
            "class_balance",
            f"The largest class is {ratio:.1f} times the smallest; report PR-AUC, MCC and balanced "
            "accuracy, not accuracy alone.",
        ))
    for row in missing.itertuples():
        if row.fraction > MOSTLY_MISSING:
            found.append(warning(
                "missingness",
                f"Column '{row.column}' is {row.fraction:.0%} missing; consider dropping it rather than imputing.",
            ))
    if duplicates:
        rows = sum(len(g) for g in duplicates)
        found.append(warning(
            "duplicates",
            f"{len(duplicates)} group(s) of identical {modality.identical_words} "
            f"({rows} rows); keep each group on one side of the split.",
        ))
        conflicting = _conflicting_groups(duplicates, y)
        if conflicting:
            found.append(warning(
                "duplicates",
                f"{conflicting} duplicate group(s) carry different labels; check those samples for labelling errors.",
            ))
    return found + modality.data_warnings(X)


def _conflicting_groups(duplicates, y):
    labels = np.asarray(y, dtype=object)
    return sum(1 for group in duplicates if len({str(labels[i]) for i in group}) > 1)


def standardised(X, fit_rows, preprocessor):
    """Features as the models see them, through `preprocessor` (unfitted) fitted on `fit_rows` only.

    Distances and the PCA below are computed here, so tune and test rows never shape the scale.
    """
    prep = preprocessor.fit(X.iloc[np.asarray(fit_rows)])
    return prep.transform(X)


def near_duplicate_pairs(Z, tolerance, exact_groups=(), exact_up_to=EXACT_NEIGHBOURS_UP_TO):
    """Pairs of rows (i < j) whose standardised features all lie within `tolerance` standard deviations.

    The rule is the Chebyshev distance: every numeric feature closer than `tolerance` SD and
    every category equal. Rows already in one exact-duplicate group are not counted again.
    Above `exact_up_to` rows a KD-tree answers the same query (scale.neighbour_method).
    """
    Z = np.asarray(Z, dtype=float)
    if len(Z) < 2 or tolerance <= 0:
        return []
    same = {int(i): group[0] for group in exact_groups for i in group}
    neighbours = neighbours_within(Z, tolerance, exact_up_to)
    pairs = {
        (i, int(j))
        for i, row in enumerate(neighbours)
        for j in row
        if j > i and same.get(i, -1) != same.get(int(j), -2)
    }
    return sorted(pairs)


def repeated_subjects(groups):
    """How many samples share a subject (group): non-independent rows shrink the effective sample size.

    Returns None when no group column is set.
    """
    if groups is None:
        return None
    counts = pd.Series(np.asarray(groups, dtype=str)).value_counts()
    repeated = counts[counts > 1]
    return {
        "n_samples": int(counts.sum()),
        "n_groups": int(len(counts)),
        "n_repeated_groups": int(len(repeated)),
        "samples_in_repeated_groups": int(repeated.sum()),
        "largest_group": int(counts.max()),
        "examples": sorted(str(g) for g in repeated.index)[:5],
    }


def group_predicts_label(groups, y, threshold, seed=0):
    """How well the group (batch, site) column alone predicts the label, cross-validated.

    Balanced accuracy adjusted for chance (0 = chance, 1 = perfect) of a logistic regression on
    the one-hot group; above `threshold` the label is confounded with the group (Tip 4).
    """
    if groups is None:
        return None
    y = np.asarray(y, dtype=str)
    folds = min(5, int(pd.Series(y).value_counts().min()))
    if folds < 2:
        return None
    codes = OneHotEncoder(handle_unknown="ignore").fit_transform(np.asarray(groups, dtype=str).reshape(-1, 1))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(LogisticRegression(max_iter=1000), codes, y, cv=splitter)
    score = round(float(balanced_accuracy_score(y, predicted, adjusted=True)), 6)
    return {"adjusted_balanced_accuracy": score, "threshold": float(threshold), "folds": folds,
            "flagged": bool(score > threshold)}


def pca_projection(Z, seed=0):
    """First two principal components of the standardised features and the variance each explains.

    Coloured by label and by group it shows batch structure a model could exploit (Tip 4).
    """
    Z = np.asarray(Z, dtype=float)
    n = min(2, Z.shape[1], len(Z))
    pca = PCA(n_components=n, svd_solver="full", random_state=seed).fit(Z)
    coords = pca.transform(Z)
    if n == 1:
        coords = np.column_stack([coords, np.zeros(len(Z))])
    return coords, [round(float(v), 6) for v in pca.explained_variance_ratio_]


def structure_warnings(near_pairs, subjects, confounding, tolerance):
    """Sentences for near duplicates, repeated subjects and group confounding, tagged by check."""
    found = []
    if near_pairs:
        found.append(warning(
            "near_duplicates",
            f"{len(near_pairs)} pair(s) of rows agree within {tolerance:g} standard deviations in every "
            "feature; check whether they are repeated measurements of one sample.",
        ))
    if subjects and subjects["n_repeated_groups"]:
        found.append(warning(
            "repeated_subjects",
            f"{subjects['samples_in_repeated_groups']} samples come from {subjects['n_repeated_groups']} "
            f"group(s) seen more than once; the {subjects['n_samples']} rows carry about the information of "
            f"{subjects['n_groups']} independent ones, so the split keeps each group whole.",
        ))
    if confounding and confounding["flagged"]:
        found.append(warning(
            "confounding",
            f"The group column alone predicts the label (chance-adjusted balanced accuracy "
            f"{confounding['adjusted_balanced_accuracy']:.2f}, threshold {confounding['threshold']:g}); "
            "if groups are batches or sites, a model can learn the batch instead of the biology.",
        ))
    return found


def confounding_line(by_column, measure):
    """Notebook 01's line on each metadata column alone against the target (`measure`: key, words); flagged marked."""
    key, name = measure
    listed = ", ".join(f"{column} {result[key]:.2f}{' FLAGGED' if result['flagged'] else ''}"
                       for column, result in by_column.items())
    return f"metadata column → target ({name}): " + (listed or "no metadata columns declared (data.metadata_columns)")
