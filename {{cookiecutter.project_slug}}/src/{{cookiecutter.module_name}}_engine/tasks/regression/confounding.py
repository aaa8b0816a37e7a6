"""Does one column alone predict a numeric target? The regression form of confounding.py (Tip 4).

A batch, site or family column that explains the target lets a model learn how samples were
collected instead of the biology. Asked of the group column and of every metadata column before
any model is trained: the cross-validated R² of a model that sees that one column only (0 = no
better than the mean, 1 = perfect; negative = worse than the mean).
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeRegressor

from ..classification.confounding import NUMERIC_LEVELS

MIN_ROWS_PER_FOLD = 2


def _one_column_model(values: pd.Series, seed: int):
    """(inputs, model): categories one-hot coded for a ridge regression; numbers for a shallow tree."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all() and values.nunique() > NUMERIC_LEVELS:
        return numbers.to_numpy(dtype=float).reshape(-1, 1), DecisionTreeRegressor(max_depth=3, random_state=seed)
    text = values.astype(str).where(values.notna(), "missing").to_numpy().reshape(-1, 1)
    return OneHotEncoder(handle_unknown="ignore").fit_transform(text), Ridge(alpha=1.0)


def column_predicts_target(values, y, threshold, seed=0, column=None):
    """Cross-validated R² of one column alone for the target; None when there are too few rows or values.

    Returns {"column", "cv_r2", "threshold", "folds", "flagged"}; R² is pooled over the out-of-fold predictions.
    """
    y = np.asarray(y, dtype=float)
    folds = min(5, len(y) // MIN_ROWS_PER_FOLD)
    values = pd.Series(np.asarray(values, dtype=object)).reset_index(drop=True)
    if folds < 2 or values.isna().all():
        return None
    inputs, model = _one_column_model(values, seed)
    predicted = cross_val_predict(model, inputs, y, cv=KFold(n_splits=folds, shuffle=True, random_state=seed))
    score = round(float(r2_score(y, predicted)), 6)
    return {"column": None if column is None else str(column), "cv_r2": score, "threshold": float(threshold),
            "folds": folds, "flagged": bool(score > threshold)}


def group_predicts_target(groups, y, threshold, seed=0):
    """column_predicts_target for the group column (None without one)."""
    if groups is None:
        return None
    result = column_predicts_target(groups, y, threshold, seed)
    if result is not None:
        result.pop("column")
    return result


def columns_predict_target(frame, y, threshold, seed=0, skip=()):
    """column_predicts_target for every column of `frame` (metadata columns) except those in `skip`."""
    if frame is None:
        return {}
    results = {str(c): column_predicts_target(frame[c], y, threshold, seed, column=c)
               for c in frame.columns if c not in set(skip)}
    return {c: r for c, r in results.items() if r is not None}


def target_confounding_warnings(group_result, by_column):
    """One warning for the group column and for each metadata column whose cross-validated R² passes the threshold."""
    found = []
    if group_result and group_result["flagged"]:
        found.append({"check": "confounding", "score": group_result["cv_r2"], "message": (
            f"The group column alone predicts the target (cross-validated R² {group_result['cv_r2']:.2f}, threshold "
            f"{group_result['threshold']:g}); if groups are batches or sites, a model can learn the batch instead "
            "of the biology.")})
    for column, result in by_column.items():
        if result["flagged"]:
            found.append({"check": "confounding", "column": column, "score": result["cv_r2"], "message": (
                f"The metadata column '{column}' alone predicts the target (cross-validated R² {result['cv_r2']:.2f}, "
                f"threshold {result['threshold']:g}); a model could learn how samples were collected instead of "
                "the biology.")})
    return found
