"""Who a model that predicts a number works for: errors per declared subgroup (Tip 10).

Groups are formed exactly as for classes (subgroups.py: values, or quantile bins with edges
from training rows). Each group gets its size, mean target, R² and mean absolute error. The
gap that is flagged is the spread of MAE across a column's groups as a share of the overall
MAE: R² within a group also moves with how widely the target varies there (a group with a
narrow range has a low R² however small its errors), so it is shown but not used to flag.
"""


import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, r2_score

from ...ethics.register import Finding
from ...ethics.subgroups import group_rows, subgroup_definitions

GAP_METRIC = "mae"
COLUMNS = ["subgroup", "group", "n", "mean_target", "r2", "mae"]


def regression_group_metrics(y_true, y_pred):
    """n, mean target, R² (None for fewer than two rows or a constant target) and MAE of one group."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if len(y_true) == 0:
        return {"n": 0, "mean_target": None, "r2": None, "mae": None}
    r2 = r2_score(y_true, y_pred) if len(y_true) >= 2 and np.ptp(y_true) > 0 else None
    return {"n": int(len(y_true)), "mean_target": _round(np.mean(y_true)), "r2": _round(r2),
            "mae": _round(mean_absolute_error(y_true, y_pred))}


def regression_subgroup_table(frame, y_true, y_pred, definitions, min_count):
    """One row per subgroup (each column, then each pair of columns) with n, mean target, R² and MAE.

    Single-column groups are always listed (metrics left empty below min_count); intersections
    are listed only where they hold at least min_count samples.
    """
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    rows = group_rows(frame, definitions, min_count, lambda mask: regression_group_metrics(y_true[mask], y_pred[mask]),
                      {"mean_target": None, "r2": None, "mae": None})
    return pd.DataFrame(rows, columns=COLUMNS)


def regression_gaps(table, overall_mae, threshold):
    """Per subgroup column (or pair): largest − smallest MAE, as a share of the overall MAE, flagged beyond threshold.

    `worst` is the group with the largest error; the R² spread is recorded beside it for reading.
    """
    gaps = {}
    for subgroup, rows in table.groupby("subgroup", sort=False):
        scored = rows.dropna(subset=[GAP_METRIC])
        if len(scored) < 2:
            gaps[subgroup] = {"metric": GAP_METRIC, "gap": None, "relative_gap": None, "worst": None, "best": None,
                              "flagged": False}
            continue
        worst, best = scored.loc[scored[GAP_METRIC].idxmax()], scored.loc[scored[GAP_METRIC].idxmin()]
        gap = float(worst[GAP_METRIC] - best[GAP_METRIC])
        relative = gap / overall_mae if overall_mae else None
        r2 = rows["r2"].dropna()
        gaps[subgroup] = {
            "metric": GAP_METRIC,
            "gap": _round(gap),
            "relative_gap": _round(relative),
            "r2_spread": _round(r2.max() - r2.min()) if len(r2) >= 2 else None,
            "worst": str(worst["group"]),
            "best": str(best["group"]),
            "flagged": bool(relative is not None and relative > threshold),
        }
    return gaps


def gap_threshold(settings):
    """lab.yaml's ethics.subgroup_mae_gap: the largest MAE spread across groups, as a share of the overall MAE."""
    return float(settings.subgroup_mae_gap)


def regression_subgroup_report(models, frame_train, frame_tune, X_tune, y_tune, settings, predict):
    """Subgroup errors of each fitted model on tune rows, the spread per subgroup, and the overall MAE.

    `predict(model, X)` returns numbers in target units; bins come from training rows only.
    Returns (table, gaps, overall, definitions) like subgroups.subgroup_report.
    """
    definitions = subgroup_definitions(frame_train, settings.subgroup_bins)
    threshold = gap_threshold(settings)
    tables, gaps, overall = [], {}, {}
    for family, model in models.items():
        y_pred = np.asarray(predict(model, X_tune), dtype=float).ravel()
        table = regression_subgroup_table(frame_tune, y_tune, y_pred, definitions, settings.subgroup_min_count)
        table.insert(0, "model", family)
        tables.append(table)
        overall[family] = regression_group_metrics(y_tune, y_pred)[GAP_METRIC]
        gaps[family] = regression_gaps(table, overall[family], threshold)
    return pd.concat(tables, ignore_index=True), gaps, overall, definitions


def regression_subgroup_findings(gaps_by_model, threshold):
    """One register finding per subgroup column (or pair) whose MAE spread exceeds the threshold in any model."""
    flagged = {}
    for model, gaps in gaps_by_model.items():
        for subgroup, gap in gaps.items():
            if gap.get("flagged"):
                flagged.setdefault(subgroup, []).append((model, gap))
    findings = []
    for subgroup, hits in flagged.items():
        model, gap = max(hits, key=lambda hit: hit[1]["relative_gap"])
        findings.append(Finding(
            f"subgroup-gap:{subgroup}",
            f"Mean absolute error differs by up to {gap['gap']:.3g} ({gap['relative_gap']:.0%} of the overall MAE) "
            f"across {subgroup} groups on the tune split, largest in '{gap['worst']}' "
            f"({', '.join(m for m, _ in hits)}; limit {threshold:.0%})",
            "bias",
            True,
        ))
    return findings


def _round(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else round(float(value), 6)
