import math

import numpy as np
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.tasks.regression.overfitting import (
    conformal_quantile,
    coverage,
    split_conformal,
)


def test_quantile_is_the_conformal_rank_of_the_absolute_residuals():
    residuals = np.arange(1, 20, dtype=float) * np.where(np.arange(19) % 2, -1, 1)  # |r| = 1 … 19
    # n = 19, nominal 0.9: rank ceil(20 × 0.9) = 18 → the 18th smallest |r|
    assert conformal_quantile(residuals, 0.9) == 18.0
    assert math.isinf(conformal_quantile(residuals[:5], 0.9))  # too few rows for 90%: an infinite interval
    with pytest.raises(LabError):
        conformal_quantile([], 0.9)


def test_coverage_on_simulated_data_is_near_nominal():
    """Exchangeable calibration and test rows: measured coverage within ±2.5 points of 90% (n_test = 4000)."""
    rng = np.random.default_rng(7)
    x_cal, x_test = rng.uniform(0, 10, 1000), rng.uniform(0, 10, 4000)
    y_cal, y_test = 2 * x_cal + rng.normal(0, 1.5, 1000), 2 * x_test + rng.normal(0, 1.5, 4000)
    summary, low, high = split_conformal(y_cal, 2 * x_cal, y_test, 2 * x_test, 0.9)
    assert summary["coverage"] == pytest.approx(0.9, abs=0.025)
    assert summary["mean_width"] == pytest.approx(2 * 1.645 * 1.5, rel=0.1)  # ± the normal 95th percentile × sd
    assert summary["n_calibration"] == 1000 and summary["n"] == 4000
    assert np.all(high - low == pytest.approx(summary["mean_width"]))


def test_a_biased_model_keeps_coverage_with_wider_intervals():
    """A bias seen in the calibration residuals widens the intervals instead of breaking the coverage."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, 3000)
    y = x + rng.normal(0, 1, 3000)
    fair, _, _ = split_conformal(y[:1000], x[:1000], y[1000:], x[1000:], 0.9)
    biased, _, _ = split_conformal(y[:1000], x[:1000] + 2, y[1000:], x[1000:] + 2, 0.9)
    assert biased["coverage"] == pytest.approx(0.9, abs=0.03)
    assert biased["mean_width"] > fair["mean_width"] + 2


def test_coverage_counts_rows_inside_their_interval():
    assert coverage([0.0, 0.5, 1.0, 2.0], np.zeros(4), np.ones(4)) == 0.75
