import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.ethics.auto_findings import memorisation_findings, shortcut_findings
from {{ cookiecutter.module_name }}_engine.interpretation.importance import permutation_importance_table
from {{ cookiecutter.module_name }}_engine.tasks.regression.interpret import (
    fidelity,
    high_target_rows,
    metadata_r2,
    predictions,
    r2_scorer,
    regression_cautions,
    surrogate_regression_tree,
)


def _numeric_study(n=300, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"signal": rng.normal(size=n), "weak": rng.normal(size=n), "noise": rng.normal(size=n)})
    y = 3.0 * frame["signal"] + 0.5 * frame["weak"] + rng.normal(scale=0.3, size=n)
    return frame, y.to_numpy()


def test_r2_scorer_is_scikit_learns_r2_of_the_predictions():
    frame, y = _numeric_study()
    model = LinearRegression().fit(frame[["weak"]], y)
    assert r2_scorer(model, frame[["weak"]], y) == pytest.approx(r2_score(y, model.predict(frame[["weak"]])), abs=1e-6)
    assert r2_scorer(model, frame[["weak"]], y) < 0.1


def test_permutation_importance_in_r2_ranks_the_signal_first():
    frame, y = _numeric_study()
    model = make_pipeline(LinearRegression()).fit(frame, y)
    table = permutation_importance_table(model, frame, y, n_repeats=5, seed=0, scoring=r2_scorer)
    assert list(table["feature"]) == ["signal", "weak", "noise"]
    assert table.loc[0, "ci_low"] > 1.0  # shuffling the signal costs more than all the variance it explains alone
    assert abs(table.loc[2, "importance_mean"]) < 0.01


def test_surrogate_tree_imitates_a_step_model_exactly_and_reads_in_target_units():
    frame, _ = _numeric_study()
    step = np.where(frame["signal"] > 0.5, 10.0, -2.0)
    model = RandomForestRegressor(n_estimators=5, random_state=0).fit(frame, step)
    surrogate = surrogate_regression_tree(model, frame.iloc[:200], frame.iloc[200:], max_depth=2, seed=0)
    summary = surrogate.summary()
    assert summary["fidelity_measure"] == "r2"
    assert summary["fidelity_tune"] > 0.95 and summary["fidelity_train"] > 0.95
    assert "signal <=" in surrogate.rules and "predicted: 10" in surrogate.rules and "class:" not in surrogate.rules


def test_a_shallower_surrogate_is_less_faithful_to_a_smooth_model():
    frame, y = _numeric_study()
    model = LinearRegression().fit(frame, y)
    shallow = surrogate_regression_tree(model, frame.iloc[:200], frame.iloc[200:], max_depth=1, seed=0)
    deep = surrogate_regression_tree(model, frame.iloc[:200], frame.iloc[200:], max_depth=4, seed=0)
    assert shallow.fidelity_tune < deep.fidelity_tune < 1
    with pytest.raises(LabError, match="surrogate_depth"):
        surrogate_regression_tree(model, frame, frame, max_depth=0, seed=0)


def test_fidelity_is_r2_to_the_model_and_undefined_for_a_constant_model():
    assert fidelity([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 1.0
    assert fidelity([1.0, 2.0, 3.0], [2.0, 2.0, 2.0]) == 0.0
    assert fidelity([4.0, 4.0], [4.0, 3.0]) is None


def test_predictions_are_flat_whatever_shape_predict_returns():
    class Column:
        def predict(self, X):
            return np.arange(len(X), dtype=float).reshape(-1, 1)

    assert predictions(Column(), np.zeros((3, 2))).tolist() == [0.0, 1.0, 2.0]


def test_metadata_that_set_the_target_explain_it_and_random_ones_do_not():
    rng = np.random.default_rng(1)
    meta = pd.DataFrame({"batch": rng.choice(["a", "b", "c"], 240)})
    y = meta["batch"].map({"a": 0.0, "b": 5.0, "c": 10.0}).to_numpy() + rng.normal(size=240)
    strong = metadata_r2(meta, y, seed=0)
    weak = metadata_r2(meta, rng.normal(size=240), seed=0)
    assert strong["r2_mean"] > 0.8 and strong["folds"] == 5
    assert weak["r2_mean"] < 0.1
    assert metadata_r2(meta, np.ones(240), seed=0) is None


def test_regression_cautions_name_a_poor_surrogate_and_a_metadata_shortcut():
    assert regression_cautions({"fidelity_tune": 0.95}, {"label_from_metadata": {"r2_mean": 0.05}}) == []
    cautions = regression_cautions({"fidelity_tune": 0.42}, {"label_from_metadata": {"r2_mean": 0.6}})
    assert len(cautions) == 2
    assert "42%" in cautions[0] and "R²" in cautions[0]
    assert "R² 0.60" in cautions[1]


def test_high_target_rows_are_the_top_quarter():
    y = np.arange(100, dtype=float)
    rows = high_target_rows(y)
    assert rows.min() >= 74 and rows.max() == 99 and 25 <= len(rows) <= 26


def test_register_findings_read_r2_results_of_notebooks_05_and_06():
    shortcut = {"columns": ["batch"], "label_from_metadata": {"r2_mean": 0.55},
                "predictions_from_metadata": {"r2_mean": 0.1},
                "score_drop_without_metadata": {"network": {"with": 0.7, "without": 0.5, "drop": 0.2}}}
    found = {f.check: f.title for f in shortcut_findings({"shortcut": shortcut})}
    assert set(found) == {"shortcut:label", "shortcut:score"}
    assert "R² 0.55" in found["shortcut:label"] and "tune R²" in found["shortcut:score"]
    control = {"observed": 0.1, "null": [0.05, 0.2], "p_value": 0.5, "flagged": True}
    [finding] = memorisation_findings({"score": "r2", "shuffled_labels": {"network": control}})
    assert "tune R² 0.100" in finding.title


def test_confounding_of_a_numeric_target_reads_in_r2():
    from {{ cookiecutter.module_name }}_engine.ethics.auto_findings import confounding_findings

    provenance = {"confounding_by_column": {"site": {"cv_r2": 0.42, "threshold": 0.1, "flagged": True},
                                           "batch": {"cv_r2": 0.01, "threshold": 0.1, "flagged": False}}}
    [finding] = confounding_findings(provenance)
    assert finding.check == "confounding:site"
    assert "alone predicts the target (cross-validated R² 0.42, threshold 0.1)" in finding.title


def test_the_registry_explains_the_positive_class_or_the_highest_targets():
    from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named

    def interpretation_for(task):
        return task_named(task).interpretation

    mask, words = interpretation_for("regression").explained(np.arange(8, dtype=float), None, None)
    assert mask.tolist() == [False] * 6 + [True] * 2 and "top quarter" in words
    mask, words = interpretation_for("classification").explained(np.array(["a", "b", "b"]), None, ["a", "b"])
    assert mask.tolist() == [False, True, True] and words.endswith("class b")
    assert interpretation_for("regression").scoring is r2_scorer


def test_surrogate_figure_titles_a_regression_tree_by_its_r2():
    from {{ cookiecutter.module_name }}_engine.tasks.regression.plots import surrogate_figure

    frame, y = _numeric_study()
    model = LinearRegression().fit(frame, y)
    surrogate = surrogate_regression_tree(model, frame.iloc[:200], frame.iloc[200:], max_depth=2, seed=0)
    title = surrogate_figure(surrogate).axes[0].get_title()
    assert f"R² to its tune predictions {surrogate.fidelity_tune:.2f}" in title


def test_fidelity_reads_as_a_share_of_samples_or_an_r2():
    from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named

    def interpretation_for(task):
        return task_named(task).interpretation

    assert interpretation_for("classification").show_fidelity(0.93) == "93.0%"
    assert interpretation_for("regression").show_fidelity(0.8123) == "R² 0.812"
    assert "constant" in interpretation_for("regression").show_fidelity(None)


def test_shortcut_check_of_a_numeric_target_refits_with_metadata_and_reads_r2():
    from {{ cookiecutter.module_name }}_engine.interpretation.interpret import shortcut_check
    from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named

    rng = np.random.default_rng(3)
    frame, y = _numeric_study(n=240)
    site = pd.DataFrame({"site": rng.choice(["a", "b"], 240)})
    y = y + np.where(site["site"] == "b", 8.0, 0.0)  # the site shifts the target: a shortcut to find
    train, tune = slice(0, 160), slice(160, 240)
    regression = task_named("regression")
    model = regression.build_model("ridge", frame.iloc[train], {}).fit(frame.iloc[train], y[train])
    result = shortcut_check(["site"], site.iloc[train].reset_index(drop=True), site.iloc[tune].reset_index(drop=True),
                            {"ridge": model}, {"ridge": {}}, frame.iloc[train], y[train], frame.iloc[tune], y[tune],
                            0, score=r2_scorer, predictability=metadata_r2, build=regression.build_model)
    assert result["label_from_metadata"]["r2_mean"] > 0.3
    drop = result["score_drop_without_metadata"]["ridge"]
    assert drop["with"] > drop["without"] + 0.2
    assert drop["drop"] == pytest.approx(drop["with"] - drop["without"], abs=1e-6)
