"""Checks of a study table's feature columns, made when it is loaded, before any model sees it.

A column of numbers with a few stray texts (`12,5`, `??`) would otherwise become a categorical
column with hundreds of levels; infinite values and empty columns would fail minutes later inside
a notebook with a library's message. Each is named here with its column, rows and fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...common.errors import LabError
from ...data.columns import categorical_columns

MOSTLY_NUMERIC = 0.8  # share of a column's filled cells that read as numbers
SHOWN = 3


def _lines(mask: np.ndarray) -> list[int]:
    """1-based file line numbers (the header is line 1) of the first rows where `mask` holds."""
    return [int(row) + 2 for row in np.flatnonzero(mask)[:SHOWN]]


def stray_texts(values: pd.Series) -> tuple[list[str], list[int]] | None:
    """The first non-numeric texts of a mostly-numeric column and their lines, or None if it is not one."""
    if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
        return None
    filled = values.notna().to_numpy()
    numbers = pd.to_numeric(values.where(values.notna()).astype("string").str.strip(), errors="coerce")
    numeric = numbers.notna().to_numpy()
    if filled.sum() == 0 or numeric.sum() / filled.sum() < MOSTLY_NUMERIC or numeric.sum() == filled.sum():
        return None
    bad = filled & ~numeric
    texts = list(dict.fromkeys(str(v) for v in values[bad]))[:SHOWN]
    return texts, _lines(bad)


def check_feature_columns(features: pd.DataFrame, label: str) -> None:
    """Refuse stray texts in number columns, infinite values and columns with no value at all."""
    for column in features.columns:
        values = features[column]
        if values.isna().all():
            raise LabError(
                f"{label}: column '{column}' holds no values at all; delete the column or fill it in"
            )
        stray = stray_texts(values)
        if stray:
            texts, lines = stray
            decimal = [t for t in texts if "," in t and pd.notna(pd.to_numeric(t.replace(",", "."), errors="coerce"))]
            fixes = ["write decimals with a point (12.5, not 12,5)"] if decimal else []
            if len(decimal) < len(texts):
                fixes.append("correct the other cells, or list such markers as missing values in lab.yaml field "
                             "'data.missing_values' (e.g. ['??'])")
            fix = "; ".join(fixes)
            shown = ", ".join(repr(t) for t in texts)
            raise LabError(
                f"{label}: column '{column}' holds numbers but also the text(s) {shown} (line(s) "
                f"{', '.join(map(str, lines))}); {fix}"
            )
        if pd.api.types.is_numeric_dtype(values) and np.isinf(values.to_numpy(dtype=float, na_value=np.nan)).any():
            infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
            raise LabError(
                f"{label}: column '{column}' holds infinite values (line(s) {', '.join(map(str, _lines(infinite)))}); "
                "replace them with the measured value or leave the cell empty (missing)"
            )


def column_warnings(X) -> list[dict]:
    """Columns that carry nothing (one value) or look like identifiers, and more columns than samples."""
    found, categorical = [], set(categorical_columns(X))
    for column in X.columns:
        if X[column].nunique(dropna=True) <= 1:
            found.append(_warning("columns", f"Column '{column}' has a single value and carries no information; "
                                             "drop it."))
        elif column in categorical and len(X) > 1 and X[column].nunique(dropna=False) == len(X):
            found.append(_warning(
                "columns",
                f"Column '{column}' is unique for every row and looks like an identifier; drop it or set id_column.",
            ))
    if X.shape[1] > len(X):
        found.append(_warning(
            "dimensions",
            f"There are more columns ({X.shape[1]}) than samples ({len(X)}); expect overfitting without "
            "strong regularisation.",
        ))
    return found


def _warning(check, message):
    return {"check": check, "message": message}
