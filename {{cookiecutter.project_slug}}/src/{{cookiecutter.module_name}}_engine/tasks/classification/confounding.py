"""Does one column alone predict the label? Asked of the group column and every metadata column (Tip 4).

A batch, site or scanner column that tells the classes apart lets a model learn how samples
were collected instead of the biology. Notebook 01 asks it of each column before any model is
trained: a cross-validated model that sees that one column only, scored by balanced accuracy
adjusted for chance (0 = chance, 1 = perfect).
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

NUMERIC_LEVELS = 10  # a numeric column with more distinct values than this is read as a number, not categories


def _one_column_model(values: pd.Series, seed: int):
    """(inputs, model): categories one-hot coded for a logistic regression; numbers for a shallow tree."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all() and values.nunique() > NUMERIC_LEVELS:
        return numbers.to_numpy(dtype=float).reshape(-1, 1), DecisionTreeClassifier(max_depth=3, random_state=seed)
    text = values.astype(str).where(values.notna(), "missing").to_numpy().reshape(-1, 1)
    return OneHotEncoder(handle_unknown="ignore").fit_transform(text), LogisticRegression(max_iter=1000)


def column_predicts_label(values, y, threshold, seed=0, column=None):
    """How well one column alone predicts the label, cross-validated; None when a class is too rare to fold.

    Returns {"column", "adjusted_balanced_accuracy", "threshold", "folds", "flagged"}.
    """
    y = np.asarray(y, dtype=str)
    folds = min(5, int(pd.Series(y).value_counts().min()))
    if folds < 2:
        return None
    values = pd.Series(np.asarray(values, dtype=object)).reset_index(drop=True)
    if values.isna().all():
        return None
    inputs, model = _one_column_model(values, seed)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(model, inputs, y, cv=splitter)
    score = round(float(balanced_accuracy_score(y, predicted, adjusted=True)), 6)
    return {"column": None if column is None else str(column), "adjusted_balanced_accuracy": score,
            "threshold": float(threshold), "folds": folds, "flagged": bool(score > threshold)}


def columns_predict_label(frame, y, threshold, seed=0, skip=()):
    """column_predicts_label for every column of `frame` (metadata columns) except those in `skip`."""
    if frame is None:
        return {}
    results = {str(c): column_predicts_label(frame[c], y, threshold, seed, column=c)
               for c in frame.columns if c not in set(skip)}
    return {c: r for c, r in results.items() if r is not None}


def confounding_warnings(by_column):
    """One warning per metadata column that alone predicts the label beyond the threshold, with its number."""
    return [
        {"check": "confounding", "column": column, "score": result["adjusted_balanced_accuracy"],
         "message": (f"The metadata column '{column}' alone predicts the label (chance-adjusted balanced accuracy "
                     f"{result['adjusted_balanced_accuracy']:.2f}, threshold {result['threshold']:g}); a model could "
                     "learn how samples were collected instead of the biology.")}
        for column, result in by_column.items() if result["flagged"]
    ]
