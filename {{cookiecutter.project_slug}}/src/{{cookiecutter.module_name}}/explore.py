"""Tip 4: know your data before modelling it.

Class balance, missing values, duplicated samples and suspicious columns, each returned as
plain data with warnings in sentences, so surprises surface before any model is trained.
"""

import numpy as np
import pandas as pd

from .errors import LabError
from .preprocess import categorical_columns, numeric_columns

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


def summarize(X, y):
    """One dictionary describing the table and target, with warnings as sentences.

    What notebook 01 records as the data's profile before any split is made.
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
        "warnings": _warnings(X, y, balance, duplicates, missing),
    }


def _warnings(X, y, balance, duplicates, missing):
    found = []
    ratio = max(balance.values()) / min(balance.values())
    if ratio > IMBALANCE_WARNING:
        found.append(
            f"The largest class is {ratio:.1f} times the smallest; report PR-AUC, MCC and balanced "
            "accuracy, not accuracy alone."
        )
    for row in missing.itertuples():
        if row.fraction > MOSTLY_MISSING:
            found.append(
                f"Column '{row.column}' is {row.fraction:.0%} "
                "missing; consider dropping it rather than imputing."
            )
    if duplicates:
        rows = sum(len(g) for g in duplicates)
        found.append(
            f"{len(duplicates)} group(s) of identical feature rows "
            f"({rows} rows); keep each group on one side of the split."
        )
        conflicting = _conflicting_groups(duplicates, y)
        if conflicting:
            found.append(
                f"{conflicting} duplicate group(s) carry different "
                "labels; check those samples for labelling errors."
            )
    categorical = set(categorical_columns(X))
    for column in X.columns:
        if X[column].nunique(dropna=True) <= 1:
            found.append(f"Column '{column}' has a single value and carries no information; drop it.")
        elif column in categorical and len(X) > 1 and X[column].nunique(dropna=False) == len(X):
            found.append(
                f"Column '{column}' is unique for every row and looks "
                "like an identifier; drop it or set id_column."
            )
    if X.shape[1] > len(X):
        found.append(
            f"There are more columns ({X.shape[1]}) than samples ({len(X)}); expect overfitting without "
            "strong regularisation."
        )
    return found


def _conflicting_groups(duplicates, y):
    labels = np.asarray(y, dtype=object)
    return sum(1 for group in duplicates if len({str(labels[i]) for i in group}) > 1)
