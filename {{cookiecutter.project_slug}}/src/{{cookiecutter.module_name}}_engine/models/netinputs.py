"""What the network of each modality reads, built without importing PyTorch.

Notebook 02 checks that the baselines and the network share one training-only preprocessor
(Tip 2). Building the network's preprocessing here keeps PyTorch (seconds of imports) out of
notebooks that train no network; `networks.make_network` starts its pipelines with the same step,
which the module's tests hold equal.
"""

from sklearn.pipeline import Pipeline

from ..modalities.registry import modality_of


def network_preprocessing(X):
    """A stand-in for `networks.make_network(X)`: the same unfitted preprocessing step ("prep"), and a
    "passthrough" where the network would be, so `pipeline[:-1]` compares like the real one's."""
    return Pipeline([("prep", modality_of(X).network_input(X)), ("model", "passthrough")])
