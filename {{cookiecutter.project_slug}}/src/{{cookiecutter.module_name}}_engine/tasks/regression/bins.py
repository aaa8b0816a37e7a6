"""Quantile bins of a numeric target, so a regression split keeps low, middle and high values in every part.

A random split of a few hundred samples can leave the test set with few extreme targets; cutting
the target at its quantiles and stratifying on the bins keeps each part's distribution alike (Tip 7).
"""

import numpy as np

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
