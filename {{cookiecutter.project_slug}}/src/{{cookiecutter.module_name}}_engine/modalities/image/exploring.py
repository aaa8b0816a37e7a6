"""What notebook 01 shows of images: intensities by label and site, duplicate images and the PCA (Tip 4)."""

from __future__ import annotations

import pandas as pd

from ...common.sections import Section
from .features import NEAR_BITS, duplicate_images, intensity_table


def describe_images(cfg, data, labels, task) -> Section:
    """Channels and size, and each channel's mean intensity by label (or target bin) and by group."""
    pixels = data.X.pixels()
    by = task.display_name
    lines = [f"{len(data.y)} images, {pixels.shape[1]} channel(s) of {pixels.shape[2]}x{pixels.shape[3]} pixels; "
             f"mean intensity per channel (share of the bit depth's range) by {by}:"]
    tables = [intensity_table(pixels, labels, by)]
    if data.groups is not None:
        by_group = intensity_table(pixels, data.groups, cfg.data.group_column)
        by_group["images"] = pd.Series(data.groups).value_counts().reindex(by_group.index).to_numpy()
        tables.append(f"… and by {cfg.data.group_column}:")
        tables.append(by_group)
    return Section(lines=lines, tables=tables, values={"sequences": None})


def duplicate_and_pca(cfg, data, split, labels, summary, seed) -> Section:
    """Pixel-identical and perceptually near-identical images, and the PCA of the hand-crafted features."""
    from ...data import explore
    from ...figures import plots

    duplicates, near = duplicate_images(data.X.pixels())
    summary["n_duplicate_groups"] = len(duplicates)
    features = pd.DataFrame(data.X.features())
    from ..tabular.features import make_table_preprocessor

    Z = explore.standardised(features, split.train, make_table_preprocessor(features))
    coords, explained = explore.pca_projection(Z, seed)
    figure = plots.pca_scatter(coords, labels, data.groups, explained)
    return Section(
        lines=[f"exact duplicate images: {len(duplicates)} group(s); near duplicates (perceptual hash): {len(near)} "
               "pair(s)"], figures=[("01_pca", figure)], values={
            "homology": None, "near": near, "duplicates": duplicates, "explained": explained, "tolerance": None,
            "near_rule": f"perceptual (difference) hashes within {NEAR_BITS} of 256 bits", "near_method": None,
            "leakage": {}, "warnings": []})
