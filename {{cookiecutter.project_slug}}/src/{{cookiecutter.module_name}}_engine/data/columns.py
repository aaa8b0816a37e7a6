"""A column lab.yaml names must exist in the table it names (shared by tables and label side tables)."""

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
