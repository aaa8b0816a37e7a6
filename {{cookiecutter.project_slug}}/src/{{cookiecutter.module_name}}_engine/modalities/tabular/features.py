"""A table's columns as numbers the models read: imputed, scaled and one-hot coded on training rows only (Tip 7).

The preprocessor is the first step of every classical model's Pipeline and of the table network's,
so medians, scales and category lists are learned from training rows and merely applied to the rest.
"""

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from ...common.errors import LabError
from ...data.columns import categorical_columns, is_categorical_column, is_numeric_column, numeric_columns


def make_table_preprocessor(X):
    """The unfitted preprocessing the classical models share, for the columns of table X.

    Numbers get median imputation and scaling, categories get mode imputation and one-hot codes
    (a ColumnTransformer, dense float output). Fit it inside a Pipeline on training rows only.
    """
    _check_table(X)
    numeric, categorical = numeric_columns(X), categorical_columns(X)
    steps = []
    if numeric:
        steps.append(("numeric", _numeric_steps(), numeric))
    if categorical:
        steps.append(("categorical", _categorical_steps(), categorical))
    return ColumnTransformer(steps, remainder="drop", sparse_threshold=0.0)


def readable_table_features(X):
    """Numbers as they are and categories one-hot coded, so a surrogate's rule reads "age above 61"."""
    steps = []
    if numeric_columns(X):
        steps.append(("numbers", "passthrough", numeric_columns(X)))
    if categorical_columns(X):
        steps.append(("categories", _categorical_steps(), categorical_columns(X)))
    return ColumnTransformer(steps, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=False)


def as_text(X):
    """Return X as an object array of strings, keeping missing values as NaN.

    One-hot encoding needs one value type per column; booleans and mixed columns become text.
    """
    values = np.asarray(X, dtype=object)
    missing = pd.isna(values)
    text = values.astype(str).astype(object)
    text[missing] = np.nan
    return text


def _numeric_steps():
    return Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )


def _categorical_steps():
    return Pipeline(
        [
            ("text", FunctionTransformer(as_text, feature_names_out="one-to-one")),
            ("impute", SimpleImputer(strategy="most_frequent")),
            (
                "encode",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float64),
            ),
        ]
    )


def _check_table(X):
    if not isinstance(X, pd.DataFrame):
        raise LabError(
            f"features must be a pandas DataFrame of raw columns, not {type(X).__name__}; "
            "pass the feature table read from the data file."
        )
    if X.shape[1] == 0:
        raise LabError("the feature table has no columns; check the target and id columns in lab.yaml.")
    unusable = [str(c) for c in X.columns if not (is_numeric_column(X[c]) or is_categorical_column(X[c]))]
    if unusable:
        raise LabError(
            f"feature column(s) {', '.join(unusable)} are neither numbers nor categories "
            "(e.g. dates); convert them to numbers or drop them from the table."
        )
