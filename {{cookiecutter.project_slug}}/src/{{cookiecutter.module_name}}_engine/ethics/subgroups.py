"""Who the model works for: metrics per declared subgroup and their intersections (Tip 10).

Subgroup columns (sex, age band, site…) and metadata columns (batch, site…) are named in
`lab.yaml`; numeric ones are cut into quantile bins whose edges come from training rows only.
"""

import itertools
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import balanced_accuracy_score, matthews_corrcoef, roc_auc_score

MISSING = "missing"
GAP_METRIC = "balanced_accuracy"


def quantile_edges(values, bins):
    """Inner cut points splitting the (training) values into `bins` equal-count bins.

    Repeated quantiles collapse, so a column with few distinct values gives fewer bins.
    """
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=float)
    if len(numbers) == 0:
        return []
    inner = np.quantile(numbers, np.linspace(0, 1, int(bins) + 1)[1:-1])
    return [round(float(edge), 6) for edge in np.unique(inner)]


def assign_groups(values, edges=None):
    """Group label of each sample: the value itself, or for numbers the bin between edges."""
    series = pd.Series(values).reset_index(drop=True)
    if edges is None:
        return series.map(lambda v: MISSING if pd.isna(v) else str(v)).to_numpy(dtype=object)
    labels = _bin_labels(edges)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    codes = np.searchsorted(np.asarray(edges, dtype=float), numbers, side="left")
    return np.array([MISSING if np.isnan(n) else labels[c] for n, c in zip(numbers, codes, strict=True)], dtype=object)


def subgroup_definitions(frame_train, bins):
    """For each column, how groups are formed: by value, or by quantile edges of training rows."""
    definitions = {}
    for column in frame_train.columns:
        values = frame_train[column]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if numeric and values.nunique(dropna=True) > bins:
            definitions[str(column)] = {"kind": "quantile bins", "edges": quantile_edges(values, bins)}
        else:
            definitions[str(column)] = {"kind": "values", "edges": None}
    return definitions


def group_metrics(y_true, proba, classes):
    """n, prevalence, ROC-AUC (both classes present), balanced accuracy and MCC of one group."""
    y_true, proba, classes = np.asarray(y_true), np.asarray(proba, dtype=float), np.asarray(classes)
    predicted = classes[np.argmax(proba, axis=1)]
    present = np.unique(y_true)
    binary = len(classes) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if len(present) < 2:
            auc = None
        elif binary:
            auc = roc_auc_score(y_true == classes[1], proba[:, 1])
        elif len(present) == len(classes):
            auc = roc_auc_score(y_true, proba, multi_class="ovr", average="macro", labels=classes)
        else:
            auc = None
        balanced = balanced_accuracy_score(y_true, predicted)
        mcc = matthews_corrcoef(y_true, predicted) if len(present) >= 2 else None
    return {
        "n": int(len(y_true)),
        "prevalence": _round(np.mean(y_true == classes[-1])) if binary else None,
        "roc_auc": _round(auc),
        "balanced_accuracy": _round(balanced),
        "mcc": _round(mcc),
    }


def subgroup_table(frame, y_true, proba, classes, definitions, min_count):
    """One row per subgroup (each column, then each pair of columns) with its metrics.

    Single-column groups are always listed (metrics left empty below min_count); intersections
    are listed only where they hold at least min_count samples.
    """
    y_true, proba = np.asarray(y_true), np.asarray(proba)
    rows = group_rows(frame, definitions, min_count, lambda mask: group_metrics(y_true[mask], proba[mask], classes),
                      {"prevalence": None, "roc_auc": None, "balanced_accuracy": None, "mcc": None})
    return pd.DataFrame(rows, columns=["subgroup", "group", "n", "prevalence", "roc_auc", "balanced_accuracy", "mcc"])


def group_rows(frame, definitions, min_count, measure, empty):
    """The subgroup rows every task's table shares: each column's groups, then each pair's, in order.

    `measure(mask)` gives a group's metrics (from at least min_count samples); a single-column
    group below that gets `empty`, and a smaller intersection is left out.
    """
    labels = {column: assign_groups(frame[column], spec["edges"]) for column, spec in definitions.items()}
    order = {column: _label_order(labels[column], spec["edges"]) for column, spec in definitions.items()}
    rows = []
    for size in (1, 2):
        for columns in itertools.combinations(definitions, size):
            keys = list(zip(*(labels[c] for c in columns), strict=True))
            ranked = sorted(set(keys), key=lambda key: [order[c][k] for c, k in zip(columns, key, strict=True)])
            for key in ranked:
                mask = np.array([k == key for k in keys])
                n = int(mask.sum())
                if size == 2 and n < min_count:
                    continue
                row = {"subgroup": " × ".join(columns), "group": " × ".join(key), "n": n}
                row.update(measure(mask) if n >= min_count else empty)
                rows.append(row)
    return rows


def subgroup_gaps(table, threshold, metric=GAP_METRIC):
    """Per subgroup column (or pair): the spread of `metric` across its groups, flagged beyond threshold."""
    gaps = {}
    for subgroup, rows in table.groupby("subgroup", sort=False):
        scored = rows.dropna(subset=[metric])
        if len(scored) < 2:
            gaps[subgroup] = {"metric": metric, "gap": None, "worst": None, "best": None, "flagged": False}
            continue
        worst = scored.loc[scored[metric].idxmin()]
        best = scored.loc[scored[metric].idxmax()]
        gap = _round(best[metric] - worst[metric])
        gaps[subgroup] = {
            "metric": metric,
            "gap": gap,
            "worst": str(worst["group"]),
            "best": str(best["group"]),
            "flagged": bool(gap > threshold),
        }
    return gaps


def subgroup_report(models, frame_train, frame_tune, X_tune, y_tune, settings):
    """Subgroup metrics of each fitted model on tune rows, the spread per subgroup, and the overall score.

    `settings` is lab.yaml's ethics section (bins, minimum count, gap threshold); bins come from
    training rows only.
    """
    definitions = subgroup_definitions(frame_train, settings.subgroup_bins)
    tables, gaps, overall = [], {}, {}
    for family, model in models.items():
        proba = model.predict_proba(X_tune)
        table = subgroup_table(frame_tune, y_tune, proba, model.classes_, definitions, settings.subgroup_min_count)
        table.insert(0, "model", family)
        tables.append(table)
        gaps[family] = subgroup_gaps(table, settings.subgroup_gap)
        overall[family] = group_metrics(y_tune, proba, model.classes_)[GAP_METRIC]
    return pd.concat(tables, ignore_index=True), gaps, overall, definitions


def _label_order(labels, edges):
    present = set(labels.tolist())
    natural = _bin_labels(edges) if edges is not None else sorted(present - {MISSING})
    ordered = [label for label in natural if label in present] + [MISSING]
    return {label: rank for rank, label in enumerate(ordered)}


def _bin_labels(edges):
    if not edges:
        return ["all"]
    text = [f"{edge:g}" for edge in edges]
    middle = [f"{low}–{high}" for low, high in itertools.pairwise(text)]
    return [f"≤ {text[0]}", *middle, f"> {text[-1]}"]


def _round(value):
    return None if value is None else round(float(value), 6)
