"""The starting network from lab.yaml, and how many weights it has, without importing PyTorch (Tips 1, 3).

Notebook 00 weighs the network's size against the samples it will learn from; it trains nothing,
so it should not pay PyTorch's import. The counts are each modality's own arithmetic
(modalities/<name>/modality.py); the module's tests hold them equal to the built networks'.
A pretrained ResNet-18 is counted by building it (its weights file is read anyway).
"""

from pathlib import Path

from ..modalities.registry import modality_named, modality_of


def starting_params(cfg, root):
    """The starting network of notebook 03 as estimator parameters, from lab.yaml's `network` section.

    The modality adds its own (for sequences the convolution and any pretrained weights, for images
    the channels, augmentation and any pretrained ResNet-18), paths resolved against the project `root`.
    """
    spec = cfg.network
    params = {"hidden": list(spec.hidden), "lr": spec.learning_rate, "batch_size": spec.batch_size,
              "dropout": spec.dropout, "optimizer": spec.optimizer}
    return modality_named(cfg.modality).starting_params(cfg, Path(root), params)


def starting_parameter_count(X, params=None, n_outputs: int = 1) -> int:
    """Trainable weights of the starting network for inputs X (a table, sequences or images)."""
    return modality_of(X).starting_parameter_count(X, dict(params or {}), n_outputs)

