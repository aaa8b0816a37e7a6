"""Which original columns a fitted model relies on, with uncertainty (Tips 8, 9).

Permutation importance shuffles one raw column at a time through the whole Pipeline and
measures the drop in the primary score; it shows reliance, not biological cause.
"""

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance

from .errors import LabError
from .evaluate import score_model

COLUMNS = ["feature", "importance_mean", "importance_std", "ci_low", "ci_high"]
_Z95 = 1.959964


def permutation_importance_table(model, X, y, n_repeats, seed):
    """Drop in ROC-AUC when each original column is shuffled, with a normal 95% interval.

    Sorted from most to least relied-on; an interval that includes 0 means no clear reliance.
    """
    if not isinstance(X, pd.DataFrame):
        raise LabError("permutation importance needs the raw feature DataFrame so columns keep their names.")
    if int(n_repeats) < 1:
        raise LabError(
            "permutation repeats must be at least 1, not "
            f"{n_repeats}; correct permutation_repeats in lab.yaml."
        )
    result = permutation_importance(
        model,
        X,
        np.asarray(y),
        scoring=_primary_scorer,
        n_repeats=int(n_repeats),
        random_state=int(seed),
        n_jobs=1,
    )
    return _importance_frame([str(c) for c in X.columns], result.importances)


def importance_agreement(table_a, table_b):
    """Spearman rank correlation of two importance tables over the features they share.

    Two models that rely on the same columns agree (near 1); disagreement warns against
    reading either ranking as biology (Tip 9).
    """
    shared = table_a.merge(table_b, on="feature", suffixes=("_a", "_b"))
    if len(shared) < 2:
        raise LabError("importance agreement needs at least two features shared by both tables.")
    ranks_a = shared["importance_mean_a"].rank()
    ranks_b = shared["importance_mean_b"].rank()
    if ranks_a.nunique() < 2 or ranks_b.nunique() < 2:
        return 0.0
    return round(float(np.corrcoef(ranks_a, ranks_b)[0, 1]), 6)


def _primary_scorer(estimator, X, y):
    return score_model(estimator, X, y)


def _importance_frame(features, importances):
    repeats = importances.shape[1]
    mean = importances.mean(axis=1)
    std = importances.std(axis=1, ddof=1) if repeats > 1 else np.zeros(len(features))
    half_width = _Z95 * std / np.sqrt(repeats)
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
