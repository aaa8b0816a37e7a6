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


MIN_PER_BIN = 3  # each bin must reach train, tune and test


def quantile_bins(y, bins=5, min_per_bin=MIN_PER_BIN):
    """Codes 0..k-1 of the target's quantile bins, the edges, and k (fewer bins when values are few or tied).

    Returns {"codes", "bins", "edges", "requested"}; bins == 1 means no stratification was possible
    (fewer than two bins of `min_per_bin` rows), and `reason` then says why.
    """
    y = np.asarray(y, dtype=float).reshape(-1)
    requested = int(bins)
    for k in range(min(requested, max(1, len(y) // min_per_bin)), 1, -1):
        edges = np.unique(np.quantile(y, np.linspace(0, 1, k + 1)))
        if len(edges) < 3:
            continue
        codes = np.clip(np.searchsorted(edges[1:-1], y, side="right"), 0, len(edges) - 2)
        counts = np.bincount(codes, minlength=len(edges) - 1)
        if counts.min() >= min_per_bin:
            return {"codes": codes, "bins": int(len(edges) - 1), "edges": [float(e) for e in edges],
                    "requested": requested}
    distinct = len(np.unique(y))
    return {"codes": np.zeros(len(y), dtype=int), "bins": 1, "edges": [float(y.min()), float(y.max())],
            "requested": requested,
            "reason": (f"the target has {distinct} distinct value(s), too few for two quantile bins of "
                       f"{min_per_bin} or more rows; the split was made at random, not stratified")}


def stratification_record(y, bins=5):
    """What the split's stratification was, for the 01 artifact: the bins and their edges, or why none."""
    result = quantile_bins(y, bins)
    if result["bins"] < 2:
        return {"kind": "none", "requested": result["requested"], "reason": result["reason"]}
    return {"kind": "quantile_bins", "bins": result["bins"], "requested": result["requested"],
            "edges": [round(e, 6) for e in result["edges"]]}


def bin_labels(y, bins=5):
    """Each sample's quantile bin as readable text ("Q2: 87–140"), for tables and figures that group by class."""
    result = quantile_bins(y, bins)
    edges, width = result["edges"], len(str(result["bins"]))
    names = [f"Q{i + 1:0{width}d}: {edges[i]:.3g}–{edges[i + 1]:.3g}" for i in range(len(edges) - 1)]
    return np.array([names[min(code, len(names) - 1)] for code in result["codes"]])


def strata_notice(cfg, data) -> str | None:
    """A notice when the target has too few distinct values for `split.target_bins` quantile bins."""
    bins = quantile_bins(data.y, cfg.split.target_bins)
    if bins["bins"] >= bins["requested"]:
        return None
    done = (f"the split keeps {bins['bins']} quantile bins even instead" if bins["bins"] > 1
            else "the split is made at random (not stratified) instead")
    return (f"notice: {cfg.data.path}, target column '{cfg.data.target}' has {len(set(data.y.tolist()))} distinct "
            f"value(s), too few for split.target_bins: {bins['requested']} in lab.yaml; {done} (lower "
            "split.target_bins to silence this)")
