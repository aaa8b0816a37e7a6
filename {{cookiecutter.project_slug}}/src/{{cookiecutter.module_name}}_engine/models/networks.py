"""A network for the study's data, built and fitted like a scikit-learn Pipeline (Tips 3, 5).

Which network reads which data is the modality's answer (modalities/registry.py); the task may
give it another head (tasks/<task>/networks.py). A new modality adds a folder, not a branch here.
"""

from sklearn.pipeline import Pipeline

from ..common.errors import LabError
from ..modalities.registry import modality_of


def make_network(X, params=None, seed=0, device=None, estimator=None):
    """Return an unfitted Pipeline: the representation of X the modality's network reads, then the network.

    Tables: the same training-only preprocessor as the baselines, so comparisons are like for
    like. Sequences: one-hot letters along each sequence (the baselines read k-mer frequencies
    of the same sequences). Images: standardised pixels, the shape travelling with the network.
    `estimator` replaces the modality's classifier (a task's other head); `device` (lab.yaml's
    device, e.g. "auto") overrides any device in params; None keeps params' own (default cpu).
    """
    modality = modality_of(X)
    estimator = estimator or modality.network_class()
    params = dict(params or {})
    if device is not None:
        params["device"] = device
    valid = estimator().get_params()
    unknown = sorted(k for k in params if k not in valid)
    if unknown:
        raise LabError(
            f"the network has no parameter {', '.join(map(repr, unknown))}; "
            f"use one of {', '.join(sorted(valid))}."
        )
    step = modality.network_input(X)
    params = modality.network_params(X, params)
    return Pipeline([("prep", step), ("model", estimator(**{"seed": seed, **params}))])
