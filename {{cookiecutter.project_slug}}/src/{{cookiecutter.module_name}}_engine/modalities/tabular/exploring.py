"""What notebook 01 shows of a table: missing values, near-duplicate rows and the PCA of the features (Tip 4)."""

from __future__ import annotations

from ...common.sections import Section


def describe_table(data, labels, summary) -> Section:
    """Samples, features, missing values and identical rows, as a Section."""
    from ...data import explore

    line = (f"{summary['n_rows']} samples × {summary['n_columns']} features; "
            f"{len(summary['columns_with_missing'])} column(s) with missing values; "
            f"{summary['n_duplicate_groups']} group(s) of identical rows")
    missing = explore.missingness(data.X)
    missing = missing[missing["n_missing"] > 0]
    if len(missing):
        return Section(lines=[line], tables=[missing], values={"sequences": None})
    return Section(lines=[line, "No missing values in any column."], values={"sequences": None})


def near_rows(cfg, data, split, labels, duplicates, seed) -> Section:
    """Near-duplicate rows (every standardised feature within `thresholds.near_duplicate_sd`) and the PCA."""
    from ...data import explore
    from ...evaluation.scale import neighbour_method
    from ...figures import plots

    tolerance = cfg.thresholds.near_duplicate_sd
    from .features import make_table_preprocessor

    Z = explore.standardised(data.X, split.train, make_table_preprocessor(data.X))
    near = explore.near_duplicate_pairs(Z, tolerance, duplicates)
    coords, explained = explore.pca_projection(Z, seed)
    figure = plots.pca_scatter(coords, labels, data.groups, explained)
    return Section(lines=[f"near-duplicate pairs: {len(near)} (compared by {neighbour_method(len(Z))})"],
                   figures=[("01_pca", figure)], values={
        "homology": None, "near": near, "duplicates": duplicates, "explained": explained, "tolerance": tolerance,
        "near_rule": f"every standardised feature within {tolerance:g} SD, categories equal",
        "near_method": neighbour_method(len(data.y)), "leakage": {}, "warnings": []})
