import hashlib

import numpy as np
import pytest
import torch
from planted_motifs import one_thread, planted_motif_set, planted_pwm  # noqa: F401 (one_thread: autouse fixture)
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import learning_curve
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.registry import modality_named
from {{ cookiecutter.module_name }}_engine.modalities.sequence.network import (
    SequenceCNN,
    TorchCNNClassifier,
    save_weights,
)
from {{ cookiecutter.module_name }}_engine.models.nets import TorchMLPClassifier, count_parameters


def _conv(estimator):
    return {name: t.detach().clone() for name, t in estimator.module_.state_dict().items() if name.startswith("conv.")}


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def motif_data():
    pwm = planted_pwm()
    return planted_motif_set(720, pwm, seed=1), planted_motif_set(240, pwm, seed=2)


@pytest.fixture(scope="module")
def small():
    return planted_motif_set(120, planted_pwm(), length=40, seed=3)


def test_network_shapes_and_far_fewer_weights_than_an_mlp():
    net = SequenceCNN(n_letters=4, length=80, channels=16, kernel_size=9, hidden=(32,), n_outputs=1)
    x = torch.zeros(5, 80 * 4)
    assert net(x).shape == (5, 1)
    assert tuple(net.conv.weight.shape) == (16, 4, 9)
    assert count_parameters(net) == (16 * 4 * 9 + 16) + (16 * 32 + 32) + (32 + 1)
    mlp_first_layer = 80 * 4 * 32
    assert count_parameters(net) < mlp_first_layer


def test_motif_detection_does_not_depend_on_where_the_motif_sits():
    torch.manual_seed(0)
    net = SequenceCNN(n_letters=4, length=60, channels=4, kernel_size=5, hidden=(), n_outputs=1).eval()
    motif = np.eye(4, dtype=np.float32)[[0, 1, 2, 3, 0]]  # ACGTA
    rows = []
    for start in (10, 40):
        onehot = np.zeros((60, 4), dtype=np.float32)
        onehot[start : start + 5] = motif
        rows.append(onehot.ravel())
    with torch.no_grad():
        out = net(torch.as_tensor(np.stack(rows)))
    assert torch.allclose(out[0], out[1])


def test_same_seed_gives_bitwise_identical_weights(small):
    X, y = small
    first = TorchCNNClassifier(epochs=3, seed=4).fit(X, y)
    second = TorchCNNClassifier(epochs=3, seed=4).fit(X, y)
    other = TorchCNNClassifier(epochs=3, seed=5).fit(X, y)
    for key, value in first.module_.state_dict().items():
        assert torch.equal(value, second.module_.state_dict()[key])
    assert not torch.equal(first.module_.conv.weight, other.module_.conv.weight)
    assert first.pretrained_layers_ == [] and first.pretrained_sha256_ is None


def test_learns_a_planted_motif(motif_data):
    (X, y), (X_tune, y_tune) = motif_data
    net = TorchCNNClassifier(epochs=60, batch_size=32, seed=0).fit(X, y)
    assert list(net.classes_) == ["background", "motif"]
    assert net.history_[-1]["train_loss"] < net.initial_loss_
    auc = roc_auc_score(y_tune == "motif", net.predict_proba(X_tune)[:, 1])
    assert auc > 0.9


def test_clone_get_params_and_sklearn_tools(small):
    X, y = small
    net = TorchCNNClassifier(channels=8, kernel_size=5, epochs=2, freeze_conv=True, pretrained=None)
    params = net.get_params()
    assert {"n_letters", "channels", "kernel_size", "pretrained", "freeze_conv", "hidden", "lr", "seed"} <= set(params)
    assert params["hidden"] == (32,) and params["channels"] == 8
    twin = clone(net)
    assert twin.get_params() == params and not hasattr(twin, "module_")
    assert twin.set_params(kernel_size=7).kernel_size == 7
    assert isinstance(net, TorchMLPClassifier)
    sizes, train_scores, tune_scores = learning_curve(
        TorchCNNClassifier(channels=4, epochs=2), X, y, train_sizes=[0.5, 1.0], cv=2, scoring="roc_auc"
    )
    assert train_scores.shape == (2, 2) and np.isfinite(tune_scores).all()


@pytest.mark.parametrize(
    ("settings", "columns", "message"),
    [
        ({}, 10, "one-hot width does not match the alphabet"),
        ({"kernel_size": 4}, 40, "kernel_size must be an odd"),
        ({"kernel_size": 0}, 40, "kernel_size must be an odd"),
        ({"channels": 0}, 40, "channels must be a positive"),
        ({"n_letters": 0}, 40, "n_letters must be a positive"),
    ],
)
def test_bad_shapes_and_settings_are_lab_errors(settings, columns, message):
    X = np.zeros((8, columns), dtype=np.float32)
    y = np.array([0, 1] * 4)
    with pytest.raises(LabError, match=message):
        TorchCNNClassifier(epochs=1, **settings).fit(X, y)


def test_saved_weights_start_a_new_network(small, tmp_path):
    X, y = small
    trained = Pipeline([("prep", FunctionTransformer()), ("model", TorchCNNClassifier(epochs=3, seed=0))]).fit(X, y)
    path = tmp_path / "weights" / "cnn.pt"
    digest = save_weights(trained, path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert save_weights(trained[-1], tmp_path / "again.pt") == digest  # same weights, same bytes
    assert sorted(p.name for p in path.parent.iterdir()) == ["cnn.pt"]  # no temporary file left behind

    restarted = TorchCNNClassifier(epochs=0, seed=9, pretrained=str(path)).fit(X, y)
    assert _same(_conv(restarted), _conv(trained[-1]))
    assert restarted.pretrained_layers_ == sorted(trained[-1].module_.state_dict())
    assert restarted.pretrained_sha256_ == digest
    np.testing.assert_array_equal(restarted.predict_proba(X), trained.predict_proba(X))

    three = np.array(["a", "b", "c"], dtype=object)[np.arange(len(y)) % 3]
    new_task = TorchCNNClassifier(epochs=0, seed=9, pretrained=path).fit(X, three)
    assert "conv.weight" in new_task.pretrained_layers_
    assert "head.layers.2.weight" not in new_task.pretrained_layers_  # 3 outputs instead of 1: left to train


def test_freeze_conv_keeps_the_pretrained_filters(small, tmp_path):
    X, y = small
    source = TorchCNNClassifier(epochs=2, seed=0).fit(X, y)
    path = tmp_path / "cnn.pt"
    save_weights(source, path)
    frozen = TorchCNNClassifier(epochs=5, seed=1, lr=1e-2, pretrained=path, freeze_conv=True).fit(X, y)
    assert _same(_conv(frozen), _conv(source))
    assert not torch.equal(frozen.module_.head.layers[0].weight, source.module_.head.layers[0].weight)
    assert frozen.n_parameters_ == count_parameters(frozen.module_.head)
    free = TorchCNNClassifier(epochs=5, seed=1, lr=1e-2, pretrained=path).fit(X, y)
    assert not torch.equal(free.module_.conv.weight, source.module_.conv.weight)


def test_pretrained_weights_that_do_not_fit_are_lab_errors(small, tmp_path):
    X, y = small
    path = tmp_path / "cnn.pt"
    save_weights(TorchCNNClassifier(epochs=1, kernel_size=9).fit(X, y), path)
    with pytest.raises(LabError, match=r"'sequence.pretrained_weights'.*shape \(16, 4, 9\).*needs \(16, 4, 7\)"):
        TorchCNNClassifier(epochs=1, kernel_size=7, pretrained=path).fit(X, y)
    with pytest.raises(LabError, match=r"'sequence.pretrained_weights'.*not a file.*set it to null"):
        TorchCNNClassifier(epochs=1, pretrained=tmp_path / "missing.pt").fit(X, y)
    (tmp_path / "junk.pt").write_text("not weights")
    with pytest.raises(LabError, match=r"'sequence.pretrained_weights'.*could not be read"):
        TorchCNNClassifier(epochs=1, pretrained=tmp_path / "junk.pt").fit(X, y)
    torch.save({"layers.0.weight": torch.zeros(2, 2)}, tmp_path / "mlp.pt")
    with pytest.raises(LabError, match="holds no convolution weights"):
        TorchCNNClassifier(epochs=1, pretrained=tmp_path / "mlp.pt").fit(X, y)
    with pytest.raises(LabError, match="fit the network first"):
        save_weights(TorchCNNClassifier(), tmp_path / "unfitted.pt")


def test_sequence_modality_reads_one_hot_letters_with_a_cnn():
    sequence = modality_named("sequence")
    assert sequence.network_class() is TorchCNNClassifier
    assert "convolutional" in sequence.architecture and "one-hot" in sequence.representation
