import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import PROJECT
from sklearn.base import clone, is_regressor

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.settings.config import Config
from {{ cookiecutter.module_name }}_engine.tasks.registry import TASKS, primary_metric, task_of
from {{ cookiecutter.module_name }}_engine.tasks.regression.checks import expected_initial_loss_regression, memorise_tiny_sample
from {{ cookiecutter.module_name }}_engine.tasks.regression.confounding import column_predicts_target, group_predicts_target
from {{ cookiecutter.module_name }}_engine.tasks.regression.models import build_regression_model, make_regressor
from {{ cookiecutter.module_name }}_engine.tasks.regression.networks import TorchMLPRegressor
from {{ cookiecutter.module_name }}_engine.tasks.regression.overfitting import regression_gap, shuffled_target_control


@pytest.fixture
def linear():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(240, 4)), columns=list("abcd"))
    y = 1000.0 * X["a"].to_numpy() - 500.0 * X["b"].to_numpy() + 5000.0 + rng.normal(0, 50, 240)
    return X, y


def test_task_of_tells_numbers_from_classes():
    assert task_of(np.array([1.5, 2.0])).name == "regression"
    assert task_of(np.array(["a", "b"])).name == "classification"
    assert task_of(np.array([0, 1])).name == "classification"  # integer codes are classes


def test_every_family_predicts_numbers_in_target_units(linear):
    X, y = linear
    task = TASKS["regression"]
    for family in ("prior", *task.families):
        params = {"epochs": 150, "lr": 0.01} if family == "network" else None
        model = task.build_model(family, X.iloc[:200], params, seed=0).fit(X.iloc[:200], y[:200])
        predicted = task.predict(model, X.iloc[200:])
        assert predicted.shape == (40,) and predicted.dtype == np.float64
        assert is_regressor(model[-1])
        r2 = task.panel(y[200:], predicted)["r2"]
        assert (r2 < 0.05) if family == "prior" else (r2 > 0.5), family


def test_network_standardises_targets_and_is_deterministic(linear):
    X, y = linear
    net = build_regression_model("network", X, {"epochs": 40}, seed=3)
    first = net.fit(X, y).predict(X)
    second = clone(net).fit(X, y).predict(X)
    assert np.array_equal(first, second)
    head = net[-1]
    assert head.target_mean_ == pytest.approx(y.mean()) and head.target_scale_ == pytest.approx(y.std())
    assert head.initial_loss_ == pytest.approx(1.0, abs=0.3)  # an untrained net's MSE ≈ the target's variance
    assert not hasattr(head, "predict_proba")


def test_huber_loss_and_unknown_loss(linear):
    X, y = linear
    huber = build_regression_model("network", X, {"epochs": 5, "loss": "huber"}, seed=0).fit(X, y)
    assert huber[-1].initial_loss_ < 1.0  # Huber weighs large standardised errors linearly
    with pytest.raises(LabError, match="network loss 'l1' is unknown"):
        TorchMLPRegressor(loss="l1", epochs=1).fit(np.zeros((4, 2)), np.arange(4.0))


def test_svm_reads_a_standardised_target_and_unknown_params_are_refused(linear):
    X, y = linear
    svr = build_regression_model("svm", X.iloc[:200], {"C": 10.0}).fit(X.iloc[:200], y[:200])
    assert TASKS["regression"].panel(y[200:], svr.predict(X.iloc[200:]))["r2"] > 0.5
    with pytest.raises(LabError, match="has no parameter 'depth'"):
        make_regressor("random_forest", {"depth": 3})


def test_sanity_checks_of_the_regression_head(linear):
    X, y = linear
    assert expected_initial_loss_regression(y, "mse") == pytest.approx(1.0)
    assert expected_initial_loss_regression(y, "huber") < 0.5
    tiny = memorise_tiny_sample(X, y, {"hidden": [32, 32], "lr": 0.01}, seed=0, n_samples=16, epochs=200)
    assert tiny["passed"] and tiny["train_r2"] > 0.95


def test_gap_and_shuffled_target_control(linear):
    X, y = linear
    build = lambda: build_regression_model("ridge", X)  # noqa: E731
    model = build().fit(X.iloc[:160], y[:160])
    gap = regression_gap(model, X.iloc[:160], y[:160], X.iloc[160:], y[160:], 0.05)
    assert gap["tune"] > 0.9 and not gap["flagged"]
    control = shuffled_target_control(build, X.iloc[:160], y[:160], X.iloc[160:], y[160:], gap["tune"], 9, seed=0)
    assert not control["flagged"] and control["p_value"] == pytest.approx(0.1)
    assert max(control["null"]) < gap["tune"] - 0.5


def test_confounding_as_cross_validated_r2():
    rng = np.random.default_rng(2)
    batch = rng.choice(["a", "b", "c"], 300)
    y = np.select([batch == "a", batch == "b"], [0.0, 10.0], 20.0) + rng.normal(0, 1, 300)
    flagged = column_predicts_target(batch, y, 0.5, column="batch")
    assert flagged["cv_r2"] > 0.9 and flagged["flagged"]
    unrelated = group_predicts_target(rng.choice(["x", "y"], 300), y, 0.5)
    assert unrelated["cv_r2"] < 0.1 and not unrelated["flagged"]


def _raw():
    return yaml.safe_load((PROJECT / "lab.yaml").read_text())


@pytest.mark.parametrize(("changes", "message"), [
    ({"task": "regression", "data.positive_class": "x"}, "applies to classification only"),
    ({"task": "regression", "data.positive_class": None, "tuning.metric": "roc_auc"}, "is a classification metric"),
    ({"task": "classification", "tuning.metric": "r2", "data.positive_class": None}, "is a regression metric"),
    ({"task": "classification", "network.loss": "huber", "data.positive_class": None, "tuning.metric": None},
     "regression only"),
])
def test_settings_of_the_other_task_are_refused(changes, message):
    raw = _raw()
    raw["tuning"].pop("families", None)
    for dotted, value in changes.items():
        node = raw
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = value
    with pytest.raises(ValueError, match=message):
        Config.model_validate(raw)


def test_regression_defaults_its_families_and_metric():
    raw = _raw()
    raw.update(task="regression")
    raw["data"]["positive_class"] = None
    raw["tuning"].pop("families", None)
    raw["tuning"].pop("metric", None)
    cfg = Config.model_validate(raw)
    assert cfg.tuning.families == ["ridge", "random_forest", "k_nearest_neighbours", "svm", "network"]
    assert primary_metric(cfg) == "r2"
