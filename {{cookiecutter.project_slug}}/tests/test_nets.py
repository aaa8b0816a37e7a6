import math
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import make_classification

from {{ cookiecutter.module_name }}.errors import LabError
from {{ cookiecutter.module_name }}.nets import (
    MLP,
    TorchMLPClassifier,
    count_parameters,
    make_network,
    pick_device,
    seed_everything,
)


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
