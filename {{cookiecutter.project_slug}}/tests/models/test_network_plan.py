"""Notebook 00's count of the starting network's weights, made without PyTorch, against the built networks."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}_engine.modalities.image.modality import CHANNELS as IMAGE_CHANNELS
from {{ cookiecutter.module_name }}_engine.modalities.sequence.frame import SequenceFrame
from {{ cookiecutter.module_name }}_engine.modalities.sequence.modality import CHANNELS as SEQUENCE_CHANNELS
from {{ cookiecutter.module_name }}_engine.modalities.sequence.modality import KERNEL as SEQUENCE_KERNEL
from {{ cookiecutter.module_name }}_engine.models.network_plan import starting_parameter_count

torch = pytest.importorskip("torch")

from {{ cookiecutter.module_name }}_engine.modalities.image.frame import ImageFrame  # noqa: E402
from {{ cookiecutter.module_name }}_engine.modalities.image.network import TorchImageCNNClassifier  # noqa: E402
from {{ cookiecutter.module_name }}_engine.modalities.sequence.network import TorchCNNClassifier  # noqa: E402
from {{ cookiecutter.module_name }}_engine.models.nets import count_parameters  # noqa: E402
from {{ cookiecutter.module_name }}_engine.models.networks import make_network  # noqa: E402
from {{ cookiecutter.module_name }}_engine.tasks.regression.networks import make_regression_network  # noqa: E402

SRC = Path(__file__).resolve().parents[2] / "src"


def built(pipeline, X, n_outputs):
    features = np.asarray(pipeline[:-1].fit_transform(X))
    return count_parameters(pipeline[-1]._build_module(features.shape[1], n_outputs))


def table():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30, 5)), columns=list("abcde"))
    X["site"] = ["a", "b", "c"] * 10  # one-hot encoded: the network's inputs are not the columns
    return X


def sequences(alphabet, length=40):
    letters = "ACGT" if alphabet == "dna" else "ACDEFGHIKLMNPQRSTVWY"
    rng = np.random.default_rng(1)
    return SequenceFrame.of(["".join(rng.choice(list(letters), length)) for _ in range(12)], alphabet, length, 3)


def images(tmp_path, channels=2):
    np.save(tmp_path / "pixels.npy", np.zeros((6, channels, 24, 24), dtype=np.float32))
    return ImageFrame.of([f"i{i}.tif" for i in range(6)], tmp_path)


def test_defaults_are_the_networks_own():
    sequence, image = TorchCNNClassifier(), TorchImageCNNClassifier()
    assert (SEQUENCE_CHANNELS, SEQUENCE_KERNEL, IMAGE_CHANNELS) == (sequence.channels, sequence.kernel_size,
                                                                      image.channels)


@pytest.mark.parametrize("params", [{"hidden": [64, 64]}, {"hidden": [7]}, {"hidden": []}])
def test_table_count_equals_the_built_mlp_for_classes_and_numbers(params):
    X = table()
    assert starting_parameter_count(X, params, n_outputs=1) == built(make_regression_network(X, params), X, 1)
    assert starting_parameter_count(X, params, n_outputs=3) == built(make_network(X, params), X, 3)


@pytest.mark.parametrize("alphabet, params", [
    ("dna", {"hidden": [32], "channels": 16, "kernel_size": 9, "both_strands": True}),
    ("protein", {"hidden": [8, 4], "channels": 5, "kernel_size": 3}),
    ("dna", {"hidden": [32], "channels": 16, "kernel_size": 9, "freeze_conv": True}),
])
def test_sequence_count_equals_the_built_cnn(alphabet, params):
    X = sequences(alphabet)
    network = make_network(X, {k: v for k, v in params.items() if k != "freeze_conv"})
    network[-1].freeze_conv = params.get("freeze_conv", False)
    assert starting_parameter_count(X, params) == built(network, X, 1)


@pytest.mark.parametrize("channels_in, params", [(2, {"hidden": [32], "channels": 16}),
                                                 (1, {"hidden": [], "channels": 6})])
def test_image_count_equals_the_built_cnn(tmp_path, channels_in, params):
    X = images(tmp_path, channels_in)
    assert starting_parameter_count(X, params, n_outputs=1) == built(make_regression_network(X, params), X, 1)


def test_counting_a_table_or_sequences_imports_no_pytorch():
    code = ("import sys, numpy as np, pandas as pd\n"
            "from {{ cookiecutter.module_name }}_engine.models.network_plan import starting_parameter_count\n"
            "from {{ cookiecutter.module_name }}_engine.modalities.sequence.frame import SequenceFrame\n"
            "X = pd.DataFrame(np.ones((4, 3)), columns=list('abc'))\n"
            "n = starting_parameter_count(X, {'hidden': [4]})\n"
            "S = SequenceFrame.of(['ACGTACGT'] * 4, 'dna', 8, 3)\n"
            "m = starting_parameter_count(S, {'hidden': [4], 'channels': 2, 'kernel_size': 3})\n"
            "print(n, m, 'torch' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split() == ["21", str(4 * 2 * 3 + 2 + 2 * 4 + 4 + 4 + 1), "False"]
