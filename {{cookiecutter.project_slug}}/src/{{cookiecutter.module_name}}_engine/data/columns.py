"""Columns of a study table: a column lab.yaml names must exist, and which columns hold numbers or categories."""

from __future__ import annotations

import pandas as pd

from ..common.errors import LabError


def require_column(frame: pd.DataFrame, column: str, field: str, label: str) -> None:
    if column not in frame.columns:
        shown = ", ".join(map(str, frame.columns[:8])) + (", …" if frame.shape[1] > 8 else "")
        raise LabError(
            f"lab.yaml field '{field}' names column '{column}', which {label} does not have "
            f"(columns: {shown}); set {field} to one of them"
        )


def numeric_columns(X):
    """Names of the columns holding numbers (booleans excluded).

    These are imputed with the training median and standardised.
    """
    return [c for c in X.columns if is_numeric_column(X[c])]


def categorical_columns(X):
    """Names of the columns holding categories (text, category or boolean dtype).

    These are imputed with the most frequent training value and one-hot encoded.
    """
    return [c for c in X.columns if is_categorical_column(X[c])]


def is_numeric_column(column):
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def is_categorical_column(column):
    dtype = column.dtype
    return (
        pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )
