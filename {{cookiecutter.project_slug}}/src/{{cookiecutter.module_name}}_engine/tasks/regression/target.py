"""A regression target read and checked: one finite number per sample that varies (task: regression).

Each problem names the file, the target field, the first offending value and where it sits, and the fix.
"""

import numpy as np
import pandas as pd

from ...common.errors import LabError

FIX_TASK = "or set task: classification in lab.yaml if the column holds classes"


def numeric_target(values, label: str, column: str, places: list[str]) -> np.ndarray:
    """The target as float64, or a LabError; `places` names each row for messages ("line 5", "sequence s1")."""
    raw = pd.Series(list(values), dtype=object)
    missing = raw.isna() | raw.astype(str).str.strip().isin(["", "nan", "NaN", "NA", "None"])
    if missing.any():
        where = places[int(np.flatnonzero(missing.to_numpy())[0])]
        raise LabError(
            f"{label}: target column '{column}' (lab.yaml field 'data.target') is empty or NaN on {where}; "
            "fill in the measured value there or remove the sample"
        )
    numbers = pd.to_numeric(raw.astype(str).str.strip(), errors="coerce")
    if numbers.isna().any():
        first = int(np.flatnonzero(numbers.isna().to_numpy())[0])
        raise LabError(
            f"{label}: target column '{column}' (lab.yaml field 'data.target') holds {str(raw.iloc[first])!r} on "
            f"{places[first]}, which is not a number; task: regression needs a number in every row, so correct it "
            f"{FIX_TASK}"
        )
    target = numbers.to_numpy(dtype=np.float64)
    infinite = ~np.isfinite(target)
    if infinite.any():
        first = int(np.flatnonzero(infinite)[0])
        raise LabError(
            f"{label}: target column '{column}' (lab.yaml field 'data.target') is infinite ({raw.iloc[first]}) on "
            f"{places[first]}; replace it with the measured value or remove the sample"
        )
    if np.ptp(target) == 0:
        raise LabError(
            f"{label}: target column '{column}' (lab.yaml field 'data.target') holds the same value "
            f"({target[0]:g}) in every row; a regression needs a target that varies, so check data.target"
        )
    return target


def table_places(n_rows: int) -> list[str]:
    """Row names of a table with one header line: 'line 2' for the first data row."""
    return [f"line {row + 2}" for row in range(n_rows)]


def sequence_places(ids) -> list[str]:
    return [f"sequence '{seq_id}'" for seq_id in ids]
