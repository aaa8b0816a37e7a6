import numpy as np
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.registry import modality_named
from {{ cookiecutter.module_name }}_engine.modalities.tabular.loading import table_places
from {{ cookiecutter.module_name }}_engine.tasks.classification.question import CLASSICAL_FIRST, COLLECT_MORE
from {{ cookiecutter.module_name }}_engine.tasks.regression.profile import (
    assess_regression_suitability,
    profile_target,
    robust_outliers,
)
from {{ cookiecutter.module_name }}_engine.tasks.regression.target import (
    bin_labels,
    numeric_target,
    quantile_bins,
    stratification_record,
)


def test_right_skewed_positive_target_gets_a_log_suggestion():
    y = np.random.default_rng(0).lognormal(0, 1, 500)
    profile = profile_target(y)
    assert profile["skewness"] > 1
    assert profile["log_suggested"] and profile["log_transform"] == "log"
    assert "skewness" in profile["log_reason"]


def test_zeros_give_log1p_and_zero_inflation():
    y = np.concatenate([np.zeros(300), np.random.default_rng(0).lognormal(0, 1, 200)])
    profile = profile_target(y)
    assert profile["zero_inflated"] and profile["share_zero"] == pytest.approx(0.6)
    assert profile["log_transform"] == "log1p"


def test_symmetric_or_negative_targets_get_no_log():
    normal = np.random.default_rng(1).normal(0, 1, 500)
    assert not profile_target(normal)["log_suggested"]
    skewed_negative = -5 + np.random.default_rng(2).lognormal(0, 1, 500)
    profile = profile_target(skewed_negative)
    assert not profile["log_suggested"] and "negative" in profile["log_reason"]


def test_outliers_are_counted_by_robust_z():
    y = np.concatenate([np.random.default_rng(3).normal(0, 1, 200), [50.0, -40.0]])
    assert robust_outliers(y) == 2


def test_recommendation_weighs_samples_features_and_parameters():
    y = np.random.default_rng(4).normal(0, 1, 60)
    few = assess_regression_suitability(y, 5, 500, modality_named("tabular"), floor=100)
    assert few["recommendation"] == COLLECT_MORE
    y = np.random.default_rng(4).normal(0, 1, 400)
    result = assess_regression_suitability(y, 10, 5000, modality_named("tabular"), floor=100)
    assert result["recommendation"] == CLASSICAL_FIRST
    assert result["samples_per_parameter"] == pytest.approx(0.08)
    assert any("memorise" in reason for reason in result["reasons"])


def test_quantile_bins_are_even_and_recorded():
    y = np.random.default_rng(5).normal(0, 1, 500)
    bins = quantile_bins(y, 5)
    assert bins["bins"] == 5
    assert set(np.bincount(bins["codes"])) == {100}
    record = stratification_record(y, 5)
    assert record["kind"] == "quantile_bins" and len(record["edges"]) == 6
    assert len(set(bin_labels(y, 5))) == 5


def test_tied_targets_give_fewer_bins_or_none_and_say_why():
    y = np.concatenate([np.zeros(60), np.arange(1.0, 41.0)])
    bins = quantile_bins(y, 5)
    assert 2 <= bins["bins"] < 5  # the zeros fill the lower quantiles, so fewer bins than asked
    assert np.bincount(bins["codes"]).min() >= 3
    record = stratification_record(np.array([0.0] * 98 + [1.0, 1.0]), 5)
    assert record["kind"] == "none" and "at random" in record["reason"]


def test_stratified_split_keeps_the_target_distribution():
    from {{ cookiecutter.module_name }}_engine.splits.making import make_split
    from {{ cookiecutter.module_name }}_engine.tasks.registry import TASKS

    y = np.random.default_rng(6).lognormal(0, 1, 600)
    split = make_split(TASKS["regression"].stratify_labels(y, 5), None, 0.6, 0.2, seed=0)
    codes = quantile_bins(y, 5)["codes"]
    for part in (split.train, split.tune, split.test):
        shares = np.bincount(codes[part], minlength=5) / len(part)
        assert np.allclose(shares, 0.2, atol=0.02)


@pytest.mark.parametrize(("values", "message"), [
    (["1.5", "high", "2"], r"holds 'high' on line 3, which is not a number"),
    (["1", "1", "1"], r"holds the same value \(1\) in every row"),
    (["1", None, "3"], r"is empty or NaN on line 3"),
    (["1", "2", "inf"], r"is infinite \(inf\) on line 4"),
])
def test_bad_targets_name_value_and_row(values, message):
    with pytest.raises(LabError, match=message):
        numeric_target(values, "data/x.csv", "y", table_places(len(values)))


def test_numeric_target_is_float64():
    target = numeric_target(["1", " 2.5", "3e1"], "data/x.csv", "y", table_places(3))
    assert target.dtype == np.float64 and target.tolist() == [1.0, 2.5, 30.0]
