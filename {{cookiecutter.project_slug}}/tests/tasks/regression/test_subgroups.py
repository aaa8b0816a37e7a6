from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_absolute_error, r2_score

from {{ cookiecutter.module_name }}_engine.ethics.subgroups import subgroup_definitions
from {{ cookiecutter.module_name }}_engine.tasks.regression.subgroups import (
    gap_threshold,
    regression_gaps,
    regression_group_metrics,
    regression_subgroup_findings,
    regression_subgroup_report,
    regression_subgroup_table,
)


def test_group_metrics_match_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.normal(size=50)
    pred = y + rng.normal(scale=0.5, size=50)
    metrics = regression_group_metrics(y, pred)
    assert metrics["n"] == 50
    assert metrics["mean_target"] == pytest.approx(y.mean(), abs=1e-6)
    assert metrics["r2"] == pytest.approx(r2_score(y, pred), abs=1e-6)
    assert metrics["mae"] == pytest.approx(mean_absolute_error(y, pred), abs=1e-6)
    assert regression_group_metrics([2.0, 2.0], [1.0, 3.0])["r2"] is None  # constant target: R² undefined


def _study(n=300, seed=0, noisy_site="b"):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"site": rng.choice(["a", "b"], n), "age": rng.uniform(20, 80, n)})
    y = rng.normal(size=n) * 2
    noise = np.where(frame["site"] == noisy_site, 2.0, 0.2)
    return frame, y, y + rng.normal(size=n) * noise


def test_table_lists_each_group_with_its_size_mean_and_errors():
    frame, y, pred = _study()
    definitions = subgroup_definitions(frame, bins=3)
    table = regression_subgroup_table(frame, y, pred, definitions, min_count=20)
    sites = table[table["subgroup"] == "site"].set_index("group")
    assert list(sites.index) == ["a", "b"]
    mask = (frame["site"] == "b").to_numpy()
    assert sites.loc["b", "n"] == mask.sum()
    assert sites.loc["b", "mae"] == pytest.approx(mean_absolute_error(y[mask], pred[mask]), abs=1e-6)
    assert sites.loc["b", "mae"] > 5 * sites.loc["a", "mae"]
    assert set(table[table["subgroup"] == "age"]["group"]) == {"≤ " + f"{definitions['age']['edges'][0]:g}",
                                                               *table[table["subgroup"] == "age"]["group"][1:]}
    assert (table["subgroup"] == "site × age").any()


def test_small_groups_get_no_metrics():
    frame, y, pred = _study(n=30)
    table = regression_subgroup_table(frame, y, pred, subgroup_definitions(frame, bins=3), min_count=25)
    single = table[table["subgroup"] == "site"]
    assert single["mae"].isna().all() and (single["n"] > 0).all()
    assert not (table["subgroup"] == "site × age").any()


def test_gap_is_relative_to_overall_mae_and_flagged_beyond_threshold():
    frame, y, pred = _study()
    table = regression_subgroup_table(frame, y, pred, subgroup_definitions(frame, bins=3), min_count=20)
    overall = mean_absolute_error(y, pred)
    gaps = regression_gaps(table, overall, threshold=0.25)
    site = gaps["site"]
    assert site["worst"] == "b" and site["best"] == "a" and site["flagged"]
    assert site["relative_gap"] == pytest.approx(site["gap"] / overall, abs=1e-5)
    assert not regression_gaps(table, overall, threshold=10)["site"]["flagged"]


def test_report_and_findings_name_the_worst_group():
    frame, y, pred = _study()

    class Fixed:
        def predict(self, X):
            return pred

    settings = SimpleNamespace(subgroup_bins=3, subgroup_min_count=20, subgroup_mae_gap=0.25)
    table, gaps, overall, definitions = regression_subgroup_report(
        {"network": Fixed()}, frame, frame, frame, y, settings, lambda model, X: model.predict(X))
    assert overall["network"] == pytest.approx(mean_absolute_error(y, pred), abs=1e-6)
    assert set(table["model"]) == {"network"} and definitions["site"]["kind"] == "values"
    [finding] = [f for f in regression_subgroup_findings(gaps, 0.25) if f.check == "subgroup-gap:site"]
    assert "'b'" in finding.title and "Mean absolute error" in finding.title and finding.blocks_release


def test_threshold_comes_from_lab_yaml():
    from {{ cookiecutter.module_name }}_engine.settings.config import Ethics

    assert gap_threshold(SimpleNamespace(subgroup_mae_gap=0.4)) == 0.4
    assert gap_threshold(Ethics()) == 0.25


def test_ethics_registry_flags_mae_gaps_and_skips_class_imbalance_for_a_number():
    from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named

    numbers, classes = task_named("regression").ethics, task_named("classification").ethics
    assert numbers.gap_metric == "mae" and classes.gap_metric == "balanced_accuracy"
    assert numbers.threshold(SimpleNamespace(subgroup_mae_gap=0.3, subgroup_gap=0.1)) == 0.3
    assert classes.threshold(SimpleNamespace(subgroup_mae_gap=0.3, subgroup_gap=0.1)) == 0.1
    assert numbers.imbalance(np.array([1.0, 1.0, 1.0, 2.0]), 2) == []
    assert [f.check for f in classes.imbalance(np.array(["a"] * 9 + ["b"]), 2)] == ["class-imbalance"]


def test_error_figure_is_in_target_units_and_shows_negative_free_bars():
    from {{ cookiecutter.module_name }}_engine.tasks.regression.plots import subgroup_error_bars

    frame, y, pred = _study()
    table = regression_subgroup_table(frame, y, pred, subgroup_definitions(frame, bins=3), min_count=20)
    table.insert(0, "model", "network")
    figure = subgroup_error_bars(table, {"network": mean_absolute_error(y, pred)})
    ax = figure.axes[0]
    assert "mean absolute error" in ax.get_ylabel()
    assert ax.get_ylim()[1] >= table["mae"].max()
