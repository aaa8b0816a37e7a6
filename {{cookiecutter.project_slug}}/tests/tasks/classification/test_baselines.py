import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.models.networks import make_network
from {{ cookiecutter.module_name }}_engine.models.preprocess import shared_preprocessing
from {{ cookiecutter.module_name }}_engine.tasks.classification.models import (
    CLASSICAL,
    PRIOR,
    make_baselines,
    make_estimator,
    make_model,
    parameter_names,
)


def _three_class(n=150, seed=0):
    X, y = make_classification(
        n_samples=n, n_features=5, n_informative=3, n_redundant=0, n_classes=3,
        n_clusters_per_class=1, random_state=seed,
    )
    frame = pd.DataFrame(X, columns=[f"gene_{i}" for i in range(5)])
    frame["tissue"] = pd.Series(np.random.default_rng(seed).choice(["liver", "lung"], n), dtype="str")
    frame.loc[::9, "gene_0"] = np.nan
    frame.loc[::11, "tissue"] = np.nan
    return frame, np.array(["healthy", "mild", "severe"], dtype=object)[y]


def test_baselines_are_prior_plus_the_five_classical_families():
    frame, _ = _three_class()
    models = make_baselines(frame, seed=0)
    assert list(models) == [PRIOR, *CLASSICAL]
    assert all([name for name, _ in m.steps] == ["prep", "model"] for m in models.values())


def test_every_baseline_fits_mixed_data_and_gives_probabilities():
    frame, y = _three_class()
    for name, model in make_baselines(frame, seed=0).items():
        proba = model.fit(frame, y).predict_proba(frame)
        assert proba.shape == (len(frame), 3), name
        assert np.allclose(proba.sum(axis=1), 1.0), name
        assert list(model.classes_) == ["healthy", "mild", "severe"]


def test_prior_model_predicts_training_class_frequencies():
    frame, y = _three_class()
    proba = make_model(PRIOR, frame).fit(frame, y).predict_proba(frame.iloc[:3])
    expected = [np.mean(y == c) for c in ["healthy", "mild", "severe"]]
    assert np.allclose(proba, np.tile(expected, (3, 1)))


def test_svm_params_reach_the_inner_svc_and_calibration_params_the_wrapper():
    svm = make_estimator("svm", {"C": 5.0, "gamma": 0.1, "method": "isotonic"}, seed=3)
    assert svm.estimator.C == 5.0 and svm.estimator.gamma == 0.1
    assert svm.estimator.random_state == 3
    assert svm.method == "isotonic"


def test_params_and_seed_are_applied():
    forest = make_estimator("random_forest", {"n_estimators": 7}, seed=11)
    assert forest.n_estimators == 7 and forest.random_state == 11 and forest.n_jobs == 1


def test_same_seed_same_forest_different_seed_different_forest():
    frame, y = _three_class()
    a = make_model("random_forest", frame, {"n_estimators": 20}, seed=1).fit(frame, y).predict_proba(frame)
    b = make_model("random_forest", frame, {"n_estimators": 20}, seed=1).fit(frame, y).predict_proba(frame)
    c = make_model("random_forest", frame, {"n_estimators": 20}, seed=2).fit(frame, y).predict_proba(frame)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_unknown_family_and_parameter_are_lab_errors():
    with pytest.raises(LabError, match="logistic_regression"):
        make_estimator("deep_forest")
    with pytest.raises(LabError, match="n_trees"):
        make_estimator("random_forest", {"n_trees": 10})
    with pytest.raises(LabError, match="kernel_size"):
        make_estimator("svm", {"kernel_size": 3})


def test_every_baseline_and_the_network_share_one_training_only_preprocessor():
    frame, y = _three_class()
    models = {**make_baselines(frame, seed=0), "network": make_network(frame, {"epochs": 1})}
    assert shared_preprocessing(models)
    other = make_model("svm", frame.drop(columns=["tissue"]))
    assert not shared_preprocessing({**models, "other": other})
    fitted = make_model("logistic_regression", frame).fit(frame.iloc[:50], y[:50])
    medians = fitted.named_steps["prep"].named_transformers_["numeric"].named_steps["impute"].statistics_
    assert np.allclose(medians, frame.iloc[:50, :5].median().to_numpy())  # learned from the training rows only


def test_parameter_names_list_what_a_family_accepts():
    assert "n_estimators" in parameter_names("random_forest")
    assert {"C", "gamma", "method", "cv"} <= set(parameter_names("svm"))
    assert "estimator" not in parameter_names("svm")
    with pytest.raises(LabError, match="unknown model family"):
        parameter_names("xgboost")
