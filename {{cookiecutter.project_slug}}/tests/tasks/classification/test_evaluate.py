import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import (
    aligned_proba,
    bootstrap_panel,
    calibration_points,
    curve_points,
    learning_curve,
    metric_panel,
    paired_bootstrap,
    primary_score,
    score_model,
    shuffled_label_control,
    stratified_resamples,
    train_tune_gap,
)
from {{ cookiecutter.module_name }}_engine.tasks.classification.models import make_model

CLASSES = np.array(["benign", "malignant"], dtype=object)


def _binary_frame(n=160, seed=0, flip_y=0.2):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=3, flip_y=flip_y, random_state=seed)
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(6)]), CLASSES[y]


def test_primary_score_uses_the_second_class_as_positive():
    y = np.array(["benign", "benign", "malignant", "malignant"], dtype=object)
    right = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]])
    assert primary_score(y, right, CLASSES) == 1.0
    assert primary_score(y, right[:, ::-1], CLASSES) == 0.0


def test_primary_score_is_macro_one_vs_rest_for_three_classes():
    y = np.array([0, 1, 2, 0, 1, 2])
    proba = np.eye(3)[y] * 0.8 + 0.2 / 3
    assert primary_score(y, proba, [0, 1, 2]) == 1.0
    noisy = np.random.default_rng(0).dirichlet([1, 1, 1], size=6)
    expected = roc_auc_score(y, noisy, multi_class="ovr", average="macro")
    assert primary_score(y, noisy, [0, 1, 2]) == pytest.approx(expected, abs=1e-6)


def test_scores_that_cannot_be_computed_are_lab_errors():
    proba = np.array([[0.5, 0.5], [0.4, 0.6]])
    with pytest.raises(LabError, match="two classes"):
        primary_score(np.array(["benign", "benign"]), proba, CLASSES)
    with pytest.raises(LabError, match="absent"):
        primary_score(np.array([0, 1, 0]), np.full((3, 3), 1 / 3), [0, 1, 2])
    with pytest.raises(LabError, match="one column per class"):
        primary_score(np.array(["benign", "malignant"]), np.ones((2, 3)) / 3, CLASSES)
    with pytest.raises(LabError, match="not seen in training"):
        primary_score(np.array(["benign", "cyst"]), proba, CLASSES)


def test_binary_panel_values_match_hand_calculation():
    y = np.array(["benign", "benign", "benign", "malignant"], dtype=object)
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.2, 0.8]])
    panel = metric_panel(y, proba, CLASSES)
    assert panel["roc_auc"] == 1.0
    assert panel["accuracy"] == 0.75
    assert panel["balanced_accuracy"] == pytest.approx((2 / 3 + 1) / 2, abs=1e-6)
    assert panel["prevalence"] == 0.25
    assert panel["brier"] == pytest.approx((0.01 + 0.16 + 0.49 + 0.04) / 4, abs=1e-6)
    assert panel["n_samples"] == 4
    assert set(panel) >= {"pr_auc", "mcc", "f1_macro"}
    json.dumps(panel)


def test_multiclass_panel_has_no_brier_or_prevalence():
    y = np.array(["a", "b", "c", "a", "b", "c"], dtype=object)
    proba = np.random.default_rng(1).dirichlet([1, 1, 1], size=6)
    panel = metric_panel(y, proba, np.array(["a", "b", "c"], dtype=object))
    assert panel["brier"] is None and panel["prevalence"] is None
    assert 0.0 <= panel["pr_auc"] <= 1.0
    assert all(round(v, 6) == v for v in panel.values() if isinstance(v, float))


def test_score_model_matches_sklearn_roc_auc():
    X, y = _binary_frame()
    model = make_model("logistic_regression", X).fit(X, y)
    expected = roc_auc_score(y == "malignant", model.predict_proba(X)[:, 1])
    assert score_model(model, X, y) == pytest.approx(expected, abs=1e-6)


def test_train_tune_gap_flags_a_memorising_model():
    X, y = _binary_frame()
    model = make_model("k_nearest_neighbours", X, {"n_neighbors": 1}).fit(X.iloc[:100], y[:100])
    result = train_tune_gap(model, X.iloc[:100], y[:100], X.iloc[100:], y[100:], threshold=0.05)
    assert result["train"] == 1.0 and result["tune"] < 0.95
    assert result["gap"] == pytest.approx(result["train"] - result["tune"], abs=1e-6)
    assert result["flagged"] is True
    lenient = train_tune_gap(model, X.iloc[:100], y[:100], X.iloc[100:], y[100:], threshold=1.0)
    assert lenient["flagged"] is False
    json.dumps(result)


# notebook 05: bootstrap panel, paired comparison, shuffled labels, learning curves ---------


def _fitted(n=200):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=3, class_sep=1.5, random_state=0)
    X, y = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)]), CLASSES[y]
    return X, y, make_model("logistic_regression", X).fit(X.iloc[:120], y[:120])


def test_stratified_resamples_keep_every_class_and_are_seeded():
    y = np.array(["a"] * 20 + ["b"] * 3)
    draws = stratified_resamples(y, 30, seed=4)
    assert all(np.sum(y[d] == "b") == 3 and len(d) == 23 for d in draws)
    assert all(np.array_equal(a, b) for a, b in zip(draws, stratified_resamples(y, 30, seed=4), strict=True))


def test_bootstrap_panel_brackets_the_point_value_binary_and_multiclass():
    X, y, model = _fitted()
    proba = model.predict_proba(X.iloc[120:])
    result = bootstrap_panel(y[120:], proba, CLASSES, n_resamples=50, seed=0)
    assert set(result["metrics"]) == {"roc_auc", "pr_auc", "mcc", "balanced_accuracy", "f1_macro", "brier"}
    assert all(m["low"] <= m["value"] <= m["high"] for m in result["metrics"].values())
    assert result["prevalence"] == pytest.approx(np.mean(y[120:] == "malignant"), abs=1e-6)
    assert result == bootstrap_panel(y[120:], proba, CLASSES, n_resamples=50, seed=0)
    labels = np.array(["a", "b", "c"] * 20, dtype=object)
    multi = bootstrap_panel(labels, np.random.default_rng(0).dirichlet([1, 1, 1], 60), ["a", "b", "c"], 30, seed=0)
    assert "brier" not in multi["metrics"] and multi["chance_pr_auc"] == pytest.approx(1 / 3, abs=1e-6)


def test_multiclass_test_panel_records_per_class_prevalences_not_one_binary_looking_number():
    labels = np.array(["a"] * 30 + ["b"] * 20 + ["c"] * 10, dtype=object)
    multi = bootstrap_panel(labels, np.random.default_rng(0).dirichlet([1, 1, 1], 60), ["a", "b", "c"], 10, seed=0)
    assert multi["prevalence"] is None
    shares = multi["class_prevalence"]
    assert shares == {"a": 0.5, "b": pytest.approx(1 / 3, abs=1e-6), "c": pytest.approx(1 / 6, abs=1e-6)}


def test_paired_bootstrap_difference_of_a_model_with_itself_is_zero_and_a_real_gap_excludes_zero():
    X, y, model = _fitted()
    proba = model.predict_proba(X.iloc[120:])
    same = paired_bootstrap(y[120:], proba, proba, CLASSES, 50, seed=0)
    assert same["difference"] == same["low"] == same["high"] == 0.0 and same["excludes_zero"] is False
    blind = np.full_like(proba, 0.5)
    better = paired_bootstrap(y[120:], proba, blind, CLASSES, 50, seed=0)
    assert better["difference"] > 0.2 and better["excludes_zero"] is True and better["score_b"] == 0.5


def test_shuffled_label_control_separates_signal_from_none():
    X, y, model = _fitted()
    build = lambda: make_model("logistic_regression", X)  # noqa: E731
    observed = score_model(model, X.iloc[120:], y[120:])
    control = shuffled_label_control(build, X.iloc[:120], y[:120], X.iloc[120:], y[120:], observed, 9, seed=0)
    assert control["flagged"] is False and control["p_value"] == pytest.approx(0.1) == control["smallest_possible_p"]
    assert len(control["null"]) == 9 and max(control["null"]) < observed
    noise = np.random.default_rng(0).permutation(y[120:])
    chance = shuffled_label_control(build, X.iloc[:120], y[:120], X.iloc[120:], noise, 0.5, 9, seed=0)
    assert chance["flagged"] is True and chance["p_value"] > 0.1


def test_learning_curve_grows_the_training_share_deterministically():
    X, y, _ = _fitted()
    build = lambda: make_model("logistic_regression", X)  # noqa: E731
    rows = learning_curve(build, X.iloc[:120], y[:120], X.iloc[120:], y[120:], seed=0)
    assert [r["n"] for r in rows] == [30, 60, 90, 120]
    assert rows == learning_curve(build, X.iloc[:120], y[:120], X.iloc[120:], y[120:], seed=0)
    assert all(0 <= r["tune"] <= 1 for r in rows)


def test_curves_calibration_and_class_order():
    X, y, model = _fitted()
    proba = aligned_proba(model, X.iloc[120:], ["malignant", "benign"])  # columns follow the study's order
    assert np.allclose(proba[:, 0], model.predict_proba(X.iloc[120:])[:, 1])
    points = curve_points(y[120:], model.predict_proba(X.iloc[120:]), CLASSES)
    assert points["tpr"][-1] == 1.0 and points["averaging"] == "positive class"
    assert points["prevalence"] == pytest.approx(np.mean(y[120:] == "malignant"))
    calib = calibration_points(y[120:], model.predict_proba(X.iloc[120:]), CLASSES, n_bins=5)
    assert len(calib["predicted"]) == len(calib["observed"]) <= 5
    multi = curve_points(np.array(["a", "b", "c"] * 5), np.full((15, 3), 1 / 3), ["a", "b", "c"])
    assert multi["averaging"] == "micro" and multi["prevalence"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("classes", [["control", "case"], ["a", "b", "c"]])
def test_bootstrap_intervals_on_coded_labels_are_the_numbers_of_the_labels_themselves(classes, monkeypatch):
    from {{ cookiecutter.module_name }}_engine.tasks.classification import evaluation as evaluate

    rng = np.random.default_rng(1)
    y = np.array(classes, dtype=object)[rng.integers(0, len(classes), 300)]
    proba = rng.dirichlet(np.ones(len(classes)), 300) * 0.5 + 0.5 * (y[:, None] == np.array(classes))
    other = rng.dirichlet(np.ones(len(classes)), 300)
    coded = (bootstrap_panel(y, proba, classes, 40, 3), paired_bootstrap(y, proba, other, classes, 40, 3))
    monkeypatch.setattr(evaluate, "_coded", lambda y_true, labels: (np.asarray(y_true), np.asarray(labels)))
    assert coded == (bootstrap_panel(y, proba, classes, 40, 3), paired_bootstrap(y, proba, other, classes, 40, 3))
