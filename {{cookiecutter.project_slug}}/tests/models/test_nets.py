import math
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.inspection import permutation_importance
from sklearn.model_selection import learning_curve

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.registry import modality_named
from {{ cookiecutter.module_name }}_engine.models.fitting import fit_network
from {{ cookiecutter.module_name }}_engine.models.net_checks import compare_optimizers, expected_initial_loss, overfit_tiny_sample
from {{ cookiecutter.module_name }}_engine.models.nets import MLP, TorchMLPClassifier, count_parameters, pick_device, seed_everything
from {{ cookiecutter.module_name }}_engine.models.networks import make_network


def _binary(n=120, seed=0):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=4, random_state=seed)
    return X.astype(np.float32), np.where(y == 1, "tumour", "normal").astype(object)


def _three_class(n=150, seed=0):
    X, y = make_classification(
        n_samples=n, n_features=5, n_informative=3, n_redundant=0, n_classes=3,
        n_clusters_per_class=1, random_state=seed,
    )
    return X, np.array(["a", "b", "c"], dtype=object)[y]


@pytest.fixture
def restore_torch():
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    yield
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(deterministic)


def test_pick_device_honours_cpu_and_falls_back_to_cpu(monkeypatch):
    assert pick_device("cpu") == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device("auto") == "cpu"
    with pytest.raises(LabError, match="CUDA is not available"):
        pick_device("cuda")
    with pytest.raises(LabError, match="unknown device"):
        pick_device("tpu")


def test_seed_everything_repeats_random_draws_and_turns_on_determinism(restore_torch):
    seed_everything(5, threads=1)
    first = (np.random.rand(3), torch.rand(3))
    seed_everything(5, threads=1)
    second = (np.random.rand(3), torch.rand(3))
    assert np.array_equal(first[0], second[0]) and torch.equal(first[1], second[1])
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.get_num_threads() == 1


def test_mlp_shape_and_parameter_count():
    net = MLP(4, hidden=(8,), n_outputs=3, dropout=0.2)
    assert net(torch.zeros(5, 4)).shape == (5, 3)
    assert count_parameters(net) == 4 * 8 + 8 + 8 * 3 + 3
    assert any(isinstance(layer, torch.nn.Dropout) for layer in net.layers)


def test_binary_network_learns_from_chance_level_loss():
    X, y = _binary()
    clf = TorchMLPClassifier(hidden=(16,), epochs=30, lr=3e-2).fit(X, y)
    assert list(clf.classes_) == ["normal", "tumour"]
    assert clf.initial_loss_ == pytest.approx(math.log(2), abs=0.25)
    assert len(clf.history_) == 30 and clf.history_[0]["epoch"] == 1
    assert clf.history_[-1]["train_loss"] < 0.6 * clf.initial_loss_
    assert clf.n_parameters_ == 6 * 16 + 16 + 16 + 1
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert np.mean(clf.predict(X) == y) > 0.85


def test_multiclass_network_uses_one_logit_per_class():
    X, y = _three_class()
    clf = TorchMLPClassifier(hidden=16, epochs=5, optimizer="sgd", lr=1e-2).fit(X, y)
    assert clf.initial_loss_ == pytest.approx(math.log(3), abs=0.35)
    assert clf.module_.layers[0].out_features == 16 and clf.module_.layers[-1].out_features == 3
    assert clf.predict_proba(X).shape == (len(X), 3)
    assert set(clf.predict(X)) <= {"a", "b", "c"}


def test_same_seed_gives_bitwise_identical_weights_and_leaves_global_rng_alone():
    X, y = _binary()
    before = torch.get_rng_state()
    first = TorchMLPClassifier(hidden=(8, 8), dropout=0.2, epochs=4, seed=3).fit(X, y)
    assert torch.equal(before, torch.get_rng_state())
    second = TorchMLPClassifier(hidden=(8, 8), dropout=0.2, epochs=4, seed=3).fit(X, y)
    other = TorchMLPClassifier(hidden=(8, 8), dropout=0.2, epochs=4, seed=4).fit(X, y)
    a, b, c = (m.module_.state_dict() for m in (first, second, other))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)
    assert first.history_ == second.history_


def test_classifier_clones_and_sets_params_like_sklearn():
    clf = TorchMLPClassifier(hidden=[32], epochs=3)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert copy.set_params(epochs=7, lr=0.1).epochs == 7 and copy.lr == 0.1


def test_make_network_pipeline_handles_raw_mixed_table():
    X, y = _three_class()
    frame = pd.DataFrame(X, columns=["g0", "g1", "g2", "g3", "g4"])
    frame["site"] = pd.Series(np.where(np.arange(len(frame)) % 2, "north", "south"), dtype="str")
    frame.loc[::7, "g0"] = np.nan
    model = make_network(frame, {"hidden": [8], "epochs": 3}, seed=2).fit(frame, y)
    assert model.named_steps["model"].seed == 2
    assert model.named_steps["model"].hidden == [8]
    proba = model.predict_proba(frame)
    assert proba.shape == (len(frame), 3)
    assert list(model.classes_) == ["a", "b", "c"]
    assert np.array_equal(pickle.loads(pickle.dumps(model)).predict_proba(frame), proba)


def test_bad_inputs_and_settings_are_lab_errors():
    X, y = _binary()
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(LabError, match="missing or infinite"):
        TorchMLPClassifier(epochs=1).fit(bad, y)
    with pytest.raises(LabError, match="positive layer widths"):
        TorchMLPClassifier(hidden=[64, 0]).fit(X, y)
    with pytest.raises(LabError, match="optimizer"):
        TorchMLPClassifier(optimizer="rmsprop").fit(X, y)
    with pytest.raises(LabError, match="one class"):
        TorchMLPClassifier(epochs=1).fit(X, np.full(len(X), "a"))
    fitted = TorchMLPClassifier(hidden=(4,), epochs=1).fit(X, y)
    with pytest.raises(LabError, match="6 features"):
        fitted.predict_proba(X[:, :3])
    with pytest.raises(LabError, match="layers"):
        make_network(pd.DataFrame(X), {"layers": 2})


def _frames(n=160, seed=0):
    X, y = _binary(n, seed)
    frame = pd.DataFrame(X, columns=[f"g{i}" for i in range(X.shape[1])])
    return frame.iloc[:110], y[:110], frame.iloc[110:].reset_index(drop=True), y[110:]


def test_early_stopping_keeps_the_best_epoch_and_refitting_that_many_epochs_gives_the_same_weights():
    X_train, y_train, X_tune, y_tune = _frames()
    settings = {"hidden": [16], "lr": 3e-2, "epochs": 80, "early_stopping": True, "patience": 5}
    stopped = fit_network(make_network(X_train, settings, seed=1), X_train, y_train, (X_tune, y_tune))[-1]
    assert stopped.validation_source_ == "validation_data"
    assert stopped.best_epoch_ < stopped.stopped_epoch_ < 80  # stopped early, patience epochs after the best
    assert stopped.stopped_epoch_ - stopped.best_epoch_ == 5
    losses = [h["val_loss"] for h in stopped.history_]
    assert stopped.best_epoch_ == int(np.argmin(losses)) + 1
    plain = make_network(X_train, {**settings, "early_stopping": False, "epochs": stopped.best_epoch_}, seed=1)
    again = plain.fit(X_train, y_train)[-1]
    a, b = stopped.module_.state_dict(), again.module_.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_plain_fit_with_early_stopping_uses_a_stratified_holdout():
    X, y = _binary(n=200)
    clf = TorchMLPClassifier(hidden=(8,), epochs=40, early_stopping=True, patience=3, validation_fraction=0.25)
    clf.fit(X, y)
    assert clf.validation_source_ == "holdout"
    assert {"val_loss", "val_score"} <= set(clf.history_[0])
    assert 1 <= clf.best_epoch_ <= clf.stopped_epoch_ <= 40
    without = TorchMLPClassifier(hidden=(8,), epochs=3).fit(X, y)
    assert without.validation_source_ is None and "val_loss" not in without.history_[0]


def test_fit_network_preprocesses_the_validation_rows_and_on_evaluate_can_stop_training():
    X_train, y_train, X_tune, y_tune = _frames()
    X_tune = X_tune.copy()
    X_tune.loc[0, "g0"] = np.nan  # raw rows: only the fitted imputer makes them usable
    seen = []

    def stop_at_three(epoch, record):
        seen.append((epoch, record["val_score"]))
        if epoch == 3:
            raise KeyboardInterrupt

    model = make_network(X_train, {"hidden": [8], "epochs": 10}, seed=0)
    with pytest.raises(KeyboardInterrupt):
        fit_network(model, X_train, y_train, (X_tune, y_tune), on_evaluate=stop_at_three)
    assert [epoch for epoch, _ in seen] == [1, 2, 3]
    assert all(0.0 <= score <= 1.0 for _, score in seen)


def test_network_works_with_sklearn_tools():
    X, y = _binary(n=150)
    frame = pd.DataFrame(X, columns=[f"g{i}" for i in range(X.shape[1])])
    model = make_network(frame, {"hidden": [8], "epochs": 3, "early_stopping": True}, seed=0)
    sizes, train_scores, _ = learning_curve(clone(model), frame, y, train_sizes=[0.5, 1.0], cv=2)
    assert list(sizes) == [37, 75] and train_scores.shape == (2, 2)
    fitted = clone(model).fit(frame, y)
    importance = permutation_importance(fitted, frame, y, n_repeats=2, random_state=0)
    assert importance.importances_mean.shape == (X.shape[1],)
    assert fitted.get_params()["model__patience"] == 10


def test_architecture_is_chosen_by_modality():
    assert modality_named("tabular").network_class() is TorchMLPClassifier
    assert "MLP" in modality_named("tabular").architecture
    assert "2D convolutional" in modality_named("image").architecture
    assert isinstance(make_network(pd.DataFrame({"a": [1.0, 2.0]}))[-1], TorchMLPClassifier)  # a plain table


def test_sanity_checks_overfit_a_tiny_sample_and_compare_optimizers():
    X_train, y_train, X_tune, y_tune = _frames()
    tiny = overfit_tiny_sample(X_train, y_train, {"hidden": [32], "lr": 1e-2}, seed=0, n_samples=24, epochs=200)
    assert tiny["n_samples"] == 24 and tiny["passed"] and tiny["train_accuracy"] == 1.0
    assert tiny["final_train_loss"] < 0.1
    assert expected_initial_loss(2) == pytest.approx(math.log(2))
    compared = compare_optimizers(X_train, y_train, X_tune, y_tune, {"hidden": [8], "epochs": 6}, seed=0)
    assert set(compared) == {"adam", "sgd"}
    assert all(len(r["history"]) == 6 and "val_loss" in r["history"][-1] for r in compared.values())
    assert compared["adam"]["final_train_loss"] != compared["sgd"]["final_train_loss"]


def test_validation_labels_unseen_in_training_are_refused():
    X, y = _binary()
    with pytest.raises(LabError, match="validation labels"):
        TorchMLPClassifier(epochs=1).fit(X, y, validation_data=(X[:5], np.array(["x"] * 5, dtype=object)))
