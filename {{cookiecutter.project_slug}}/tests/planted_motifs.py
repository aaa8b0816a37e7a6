"""Sequences with a planted motif, for the tests of the sequence network and of what it looks at."""

import numpy as np
import pytest
import torch

CONSENSUS = "TGACTCAT"


def planted_pwm(consensus=CONSENSUS, strength=0.9, letters="ACGT"):
    """A motif that puts `strength` on its consensus letter at each position, the rest spread evenly."""
    pwm = np.full((len(consensus), len(letters)), (1 - strength) / (len(letters) - 1))
    pwm[np.arange(len(consensus)), [letters.index(c) for c in consensus]] = strength
    return pwm


def planted_motif_set(n, pwm, length=80, seed=0, labels=("background", "motif")):
    """Flat one-hot DNA (n, length*4; index = position*4 + letter) and labels; every other row carries the motif.

    Background letters are uniform; a positive row gets one motif drawn from the PWM at a random position.
    """
    rng = np.random.default_rng(seed)
    letters = rng.integers(0, 4, size=(n, length))
    positive = np.arange(n) % 2 == 1
    width = len(pwm)
    for row in np.flatnonzero(positive):
        start = rng.integers(0, length - width + 1)
        letters[row, start : start + width] = [rng.choice(4, p=p) for p in pwm]
    onehot = np.zeros((n, length, 4), dtype=np.float32)
    onehot[np.arange(n)[:, None], np.arange(length)[None, :], letters] = 1.0
    return onehot.reshape(n, length * 4), np.where(positive, labels[1], labels[0]).astype(object)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Train on one thread, as the notebooks do: small networks on a shared machine run faster so."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
