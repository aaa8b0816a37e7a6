import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.module_name }}.baselines import make_model
from {{ cookiecutter.module_name }}.errors import LabError
from {{ cookiecutter.module_name }}.evaluate import (
    metric_panel,
    primary_score,
    score_model,
    train_tune_gap,
)

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
