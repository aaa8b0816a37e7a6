import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.baselines import make_model
from {{ cookiecutter.module_name }}.errors import LabError
from {{ cookiecutter.module_name }}.interpret import (
    COLUMNS,
    importance_agreement,
    permutation_importance_table,
)
from {{ cookiecutter.module_name }}.nets import make_network


def _one_signal(n=200, seed=0, classes=("wild_type", "mutant")):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "noise": rng.normal(size=n),
            "signal": rng.normal(size=n),
            "batch": pd.Series(rng.choice(["b1", "b2", "b3"], n), dtype="str"),
        }
    )
    cut = np.quantile(frame["signal"], np.linspace(0, 1, len(classes) + 1)[1:-1])
    return frame, np.array(classes, dtype=object)[np.digitize(frame["signal"], cut)]


def test_the_informative_column_ranks_first_with_an_interval_above_zero():
    frame, y = _one_signal()
    model = make_model("logistic_regression", frame).fit(frame, y)
    table = permutation_importance_table(model, frame, y, n_repeats=5, seed=0)
    assert list(table.columns) == COLUMNS
    assert sorted(table["feature"]) == ["batch", "noise", "signal"]
    assert table.loc[0, "feature"] == "signal" and table.loc[0, "ci_low"] > 0.1
    assert table["importance_mean"].is_monotonic_decreasing
    width = table["ci_high"] - table["ci_low"]
    assert np.allclose(width, 2 * 1.959964 * table["importance_std"] / np.sqrt(5), atol=1e-5)


def test_importance_is_repeatable_with_a_seed():
    frame, y = _one_signal()
    model = make_model("naive_bayes", frame).fit(frame, y)
    first = permutation_importance_table(model, frame, y, n_repeats=3, seed=4)
    pd.testing.assert_frame_equal(first, permutation_importance_table(model, frame, y, n_repeats=3, seed=4))


def test_importance_works_for_a_multiclass_network_pipeline():
    frame, y = _one_signal(classes=("low", "mid", "high"))
    model = make_network(frame, {"hidden": [16], "epochs": 15, "lr": 1e-2}, seed=0).fit(frame, y)
    table = permutation_importance_table(model, frame, y, n_repeats=2, seed=0)
    assert table.loc[0, "feature"] == "signal"
    assert len(table) == 3


def test_agreement_is_rank_correlation():
    a = pd.DataFrame({"feature": ["x", "y", "z"], "importance_mean": [0.3, 0.2, 0.1]})
    b = a.assign(importance_mean=[0.1, 0.2, 0.3])
    assert importance_agreement(a, a) == 1.0
    assert importance_agreement(a, b) == -1.0
    with pytest.raises(LabError, match="two features"):
        importance_agreement(a, b.assign(feature=["p", "q", "x"]))


def test_bad_arguments_are_lab_errors():
    frame, y = _one_signal()
    model = make_model("naive_bayes", frame).fit(frame, y)
    with pytest.raises(LabError, match="DataFrame"):
        permutation_importance_table(model, frame.to_numpy(), y, n_repeats=2, seed=0)
    with pytest.raises(LabError, match="at least 1"):
        permutation_importance_table(model, frame, y, n_repeats=0, seed=0)
