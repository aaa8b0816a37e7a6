"""Scores of numeric predictions (Tip 7): R², RMSE, MAE, Pearson and Spearman, with bootstrap intervals.

R² ranks models by default (0 = the training mean, 1 = perfect); RMSE and MAE say how far off a
prediction is in the target's own units; Pearson and Spearman say whether predictions rise with
the truth even when their scale is off. Ranking scores are "higher is better", so RMSE and MAE
are negated wherever a search maximises them.
"""

import warnings

import numpy as np
from scipy import stats
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from ...common.errors import LabError

DECIMALS = 6
PANEL = ("r2", "rmse", "mae", "pearson", "spearman")
LOWER_IS_BETTER = ("rmse", "mae")


def _round(value):
    value = float(value)
    return round(value, DECIMALS) if np.isfinite(value) else float("nan")


def _checked(y_true, predicted):
    y_true = np.asarray(y_true, dtype=float).reshape(-1)
    predicted = np.asarray(predicted, dtype=float).reshape(-1)
    if len(y_true) != len(predicted):
        raise LabError(f"{len(predicted)} predictions for {len(y_true)} targets; predict every evaluated row once.")
    if len(y_true) < 2:
        raise LabError("regression metrics need at least two evaluated rows; use a larger split.")
    return y_true, predicted


def _correlation(kind, y_true, predicted):
    if np.ptp(y_true) == 0 or np.ptp(predicted) == 0:
        return 0.0  # a constant prediction (or target) carries no ranking: no correlation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = stats.pearsonr(y_true, predicted)[0] if kind == "pearson" else stats.spearmanr(y_true, predicted)[0]
    return float(value) if np.isfinite(value) else 0.0


def metric_value(y_true, predicted, metric):
    """One metric of numeric predictions, in its own units (RMSE and MAE positive)."""
    y_true, predicted = _checked(y_true, predicted)
    if metric == "r2":
        return _round(r2_score(y_true, predicted))
    if metric == "rmse":
        return _round(np.sqrt(mean_squared_error(y_true, predicted)))
    if metric == "mae":
        return _round(mean_absolute_error(y_true, predicted))
    if metric in ("pearson", "spearman"):
        return _round(_correlation(metric, y_true, predicted))
    raise LabError(f"unknown regression metric '{metric}'; use one of {', '.join(PANEL)}.")


def signed_score(y_true, predicted, metric):
    """The metric as a "higher is better" score: RMSE and MAE negated."""
    value = metric_value(y_true, predicted, metric)
    return -value if metric in LOWER_IS_BETTER else value


def predict_numbers(model, X):
    """A fitted regressor's predictions as one float64 number per row, in the target's units."""
    return np.asarray(model.predict(X), dtype=float).reshape(-1)


def score_regression(model, X, y, metric="r2"):
    """The ranking score of a fitted regressor on (X, y), higher is better."""
    return signed_score(y, model.predict(X), metric)


def regression_panel(y_true, predicted):
    """Every panel metric (R², RMSE, MAE, Pearson, Spearman) and the number of rows."""
    y_true, predicted = _checked(y_true, predicted)
    return {**{m: metric_value(y_true, predicted, m) for m in PANEL}, "n_samples": int(len(y_true))}


def resamples(n_rows, n_resamples, seed):
    """Bootstrap index sets (rows drawn with replacement), sorted, from a seeded generator."""
    rng = np.random.default_rng(seed)
    return [np.sort(rng.integers(0, n_rows, n_rows)) for _ in range(int(n_resamples))]


def bootstrap_regression_panel(y_true, predicted, n_resamples, seed):
    """The panel with 95% percentile bootstrap intervals: {"metrics": {m: {value, low, high}}, "n", "n_resamples"}."""
    y_true, predicted = _checked(y_true, predicted)
    draws = {m: [] for m in PANEL}
    for rows in resamples(len(y_true), n_resamples, seed):
        for m in PANEL:
            draws[m].append(metric_value(y_true[rows], predicted[rows], m))
    metrics = {}
    for m in PANEL:
        low, high = np.nanpercentile(np.array(draws[m], dtype=float), [2.5, 97.5])
        metrics[m] = {"value": metric_value(y_true, predicted, m), "low": _round(low), "high": _round(high)}
    return {"metrics": metrics, "n": int(len(y_true)), "n_resamples": int(n_resamples)}


def paired_regression_bootstrap(y_true, predicted_a, predicted_b, n_resamples, seed):
    """Per metric, a − b on the same rows with a 95% paired bootstrap interval (raw units; RMSE/MAE: lower is better).

    `better` names which model the point difference favours; `excludes_zero` says whether the
    interval shows a difference at all.
    """
    y_true, predicted_a = _checked(y_true, predicted_a)
    predicted_b = _checked(y_true, predicted_b)[1]
    draws = {m: [] for m in PANEL}
    for rows in resamples(len(y_true), n_resamples, seed):
        for m in PANEL:
            draws[m].append(metric_value(y_true[rows], predicted_a[rows], m)
                            - metric_value(y_true[rows], predicted_b[rows], m))
    metrics = {}
    for m in PANEL:
        difference = metric_value(y_true, predicted_a, m) - metric_value(y_true, predicted_b, m)
        low, high = np.nanpercentile(np.array(draws[m], dtype=float), [2.5, 97.5])
        favours_a = difference < 0 if m in LOWER_IS_BETTER else difference > 0
        metrics[m] = {"difference": _round(difference), "low": _round(low), "high": _round(high),
                      "excludes_zero": bool(low > 0 or high < 0), "better": "a" if favours_a else "b"}
    return {"metrics": metrics, "n_resamples": int(n_resamples)}
