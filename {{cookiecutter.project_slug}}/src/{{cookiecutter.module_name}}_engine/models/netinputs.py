"""What the network of each modality reads, built without importing PyTorch.

Notebook 02 checks that the baselines and the network share one training-only preprocessor
(Tip 2). Building the network's preprocessing here keeps PyTorch (seconds of imports) out of
notebooks that train no network; `architectures.make_network` starts its pipelines with the same step,
which the module's tests hold equal.
"""

from sklearn.pipeline import Pipeline

from .preprocess import is_sequences, make_preprocessor, make_sequence_encoder


def network_preprocessing(X):
    """A stand-in for `architectures.make_network(X)`: the same unfitted preprocessing step ("prep"), and a
    "passthrough" where the network would be, so `pipeline[:-1]` compares like the real one's."""
    step = make_sequence_encoder(X) if is_sequences(X) else make_preprocessor(X)
    return Pipeline([("prep", step), ("model", "passthrough")])
