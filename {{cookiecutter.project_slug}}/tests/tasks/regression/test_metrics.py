import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.tasks.regression.metrics import (
    bootstrap_regression_panel,
    metric_value,
    paired_regression_bootstrap,
    regression_panel,
    signed_score,
)


@pytest.fixture
def predictions():
    rng = np.random.default_rng(0)
    y = rng.normal(10, 3, 300)
    good = y + rng.normal(0, 1, 300)
    poor = y + rng.normal(0, 4, 300)
    return y, good, poor


def test_panel_matches_scikit_learn_and_scipy(predictions):
    y, good, _ = predictions
    panel = regression_panel(y, good)
    assert panel["r2"] == pytest.approx(r2_score(y, good), abs=1e-6)
    assert panel["rmse"] == pytest.approx(np.sqrt(mean_squared_error(y, good)), abs=1e-6)
    assert panel["mae"] == pytest.approx(mean_absolute_error(y, good), abs=1e-6)
    assert panel["pearson"] == pytest.approx(stats.pearsonr(y, good)[0], abs=1e-6)
    assert panel["spearman"] == pytest.approx(stats.spearmanr(y, good)[0], abs=1e-6)
    assert panel["n_samples"] == 300


def test_errors_are_negated_so_higher_is_better(predictions):
    y, good, poor = predictions
    for metric in ("r2", "rmse", "mae", "spearman"):
        assert signed_score(y, good, metric) > signed_score(y, poor, metric)
    assert signed_score(y, good, "rmse") == -metric_value(y, good, "rmse")


def test_constant_prediction_has_no_correlation_and_zero_r2():
    y = np.arange(10, dtype=float)
    flat = np.full(10, y.mean())
    assert metric_value(y, flat, "pearson") == 0.0
    assert metric_value(y, flat, "r2") == pytest.approx(0.0)


def test_mismatched_lengths_and_unknown_metric_are_refused():
    with pytest.raises(LabError, match="3 predictions for 4 targets"):
        regression_panel([1, 2, 3, 4], [1, 2, 3])
    with pytest.raises(LabError, match="unknown regression metric 'mse'"):
        metric_value([1, 2, 3], [1, 2, 3], "mse")


def test_bootstrap_intervals_hold_the_point_and_are_reproducible(predictions):
    y, good, _ = predictions
    first = bootstrap_regression_panel(y, good, 200, seed=3)
    assert first == bootstrap_regression_panel(y, good, 200, seed=3)
    for metric, v in first["metrics"].items():
        assert v["low"] <= v["value"] <= v["high"], metric
        assert v["high"] - v["low"] > 0
    assert first["n"] == 300 and first["n_resamples"] == 200


def test_paired_interval_shows_the_better_model(predictions):
    y, good, poor = predictions
    paired = paired_regression_bootstrap(y, good, poor, 200, seed=1)["metrics"]
    assert paired["r2"]["difference"] > 0 and paired["r2"]["excludes_zero"] and paired["r2"]["better"] == "a"
    assert paired["rmse"]["difference"] < 0 and paired["rmse"]["better"] == "a"
    same = paired_regression_bootstrap(y, good, good, 50, seed=1)["metrics"]
    assert not same["mae"]["excludes_zero"]
