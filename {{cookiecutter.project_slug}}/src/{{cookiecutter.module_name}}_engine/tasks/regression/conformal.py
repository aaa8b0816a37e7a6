"""Split-conformal prediction intervals for numeric predictions, and their measured coverage (Tip 7).

A model fitted on the training rows predicts the calibration rows (the tune split); the
ceil((n + 1) × nominal)-th smallest absolute residual there is the half-width that, for rows
exchangeable with the calibration rows, covers the truth at least `nominal` of the time (Vovk et
al. 2005; Lei et al. 2018). The coverage actually reached on the test split is measured, not assumed:
the tune split also chose hyperparameters and the network's stopping epoch, so it is not a fully
independent calibration set and the measured coverage is the number to report.
"""

import math

import numpy as np

from ...common.errors import LabError

NOMINAL = 0.9
DECIMALS = 6


def conformal_quantile(residuals, nominal=NOMINAL):
    """The half-width of split-conformal intervals at `nominal` coverage from calibration residuals.

    Infinite when there are too few calibration rows for that coverage (n < 1 / (1 − nominal) − 1).
    """
    scores = np.sort(np.abs(np.asarray(residuals, dtype=float)))
    if not 0 < nominal < 1:
        raise LabError(f"conformal coverage must lie between 0 and 1, not {nominal}.")
    if len(scores) == 0:
        raise LabError("split-conformal intervals need calibration rows; the tune split is empty.")
    rank = math.ceil((len(scores) + 1) * nominal)
    return float("inf") if rank > len(scores) else float(scores[rank - 1])


def intervals(predicted, half_width):
    """(low, high) of symmetric intervals around the predictions."""
    predicted = np.asarray(predicted, dtype=float)
    return predicted - half_width, predicted + half_width


def coverage(y_true, low, high):
    """Share of rows whose observed value lies inside its interval (ends included)."""
    y_true = np.asarray(y_true, dtype=float)
    return float(np.mean((y_true >= np.asarray(low)) & (y_true <= np.asarray(high))))


def split_conformal(y_calibration, predicted_calibration, y_test, predicted_test, nominal=NOMINAL):
    """Intervals for the test predictions from calibration residuals, and their measured test coverage.

    Returns ({"nominal", "coverage", "mean_width", "quantile", "n_calibration", "n"}, low, high).
    """
    residuals = np.asarray(y_calibration, dtype=float) - np.asarray(predicted_calibration, dtype=float)
    half = conformal_quantile(residuals, nominal)
    low, high = intervals(predicted_test, half)
    summary = {"nominal": float(nominal), "coverage": round(coverage(y_test, low, high), DECIMALS),
               "mean_width": round(float(2 * half), DECIMALS), "quantile": round(half, DECIMALS),
               "n_calibration": int(len(residuals)), "n": int(len(np.asarray(y_test)))}
    return summary, low, high
