"""Importance tables every method fills alike, and the parts of a fitted network Pipeline (Tips 8, 9)."""

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from ..common.errors import LabError

COLUMNS = ["feature", "importance_mean", "importance_std", "ci_low", "ci_high"]
Z95 = 1.959964


def importance_frame(features, importances):
    repeats = importances.shape[1]
    mean = importances.mean(axis=1)
    std = importances.std(axis=1, ddof=1) if repeats > 1 else np.zeros(len(features))
    half_width = Z95 * std / np.sqrt(repeats)
    table = pd.DataFrame(
        {
            "feature": features,
            "importance_mean": mean,
            "importance_std": std,
            "ci_low": mean - half_width,
            "ci_high": mean + half_width,
        },
        columns=COLUMNS,
    )
    table = table.round(6)
    return table.sort_values(
        ["importance_mean", "feature"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


def network_parts(model):
    if not isinstance(model, Pipeline) or not hasattr(model[-1], "module_"):
        raise LabError(
            "integrated gradients need a fitted network Pipeline (prep + network); build it with make_network."
        )
    return model[:-1], model[-1]
