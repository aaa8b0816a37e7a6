"""The DNA network reads both strands: a window and its reverse complement get the same score."""

import numpy as np
import pytest
import torch

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.sequence.features import OneHotSequences
from {{ cookiecutter.module_name }}_engine.modalities.sequence.network import SequenceCNN, TorchCNNClassifier


def _one_hot(sequences):
    return torch.tensor(OneHotSequences("ACGT", 12).fit(sequences).transform(sequences))


def test_both_strands_gives_a_window_and_its_reverse_complement_one_score():
    torch.manual_seed(0)
    forward, reverse = "ACGGTCAATTGC", "GCAATTGACCGT"  # reverse complement of forward
    both = SequenceCNN(4, 12, channels=4, kernel_size=3, both_strands=True)
    one = SequenceCNN(4, 12, channels=4, kernel_size=3, both_strands=False)
    one.load_state_dict(both.state_dict())
    with torch.no_grad():
        scores = both(_one_hot([forward, reverse]))
        single = one(_one_hot([forward, reverse]))
    assert torch.allclose(scores[0], scores[1])
    assert not torch.allclose(single[0], single[1])  # one strand only: the two reads differ


def test_both_strands_is_refused_for_protein():
    X = np.zeros((6, 20 * 5), dtype=np.float32)
    X[np.arange(6), np.arange(6) * 3] = 1
    with pytest.raises(LabError, match="network.both_strands: false"):
        TorchCNNClassifier(n_letters=20, both_strands=True, epochs=1, kernel_size=3).fit(X, [0, 1] * 3)
