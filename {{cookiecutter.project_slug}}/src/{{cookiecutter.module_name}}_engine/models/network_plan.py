"""The starting network from lab.yaml, and how many weights it has, without importing PyTorch (Tips 1, 3).

Notebook 00 weighs the network's size against the samples it will learn from; it trains nothing,
so it should not pay PyTorch's import. The counts here are the architectures' own arithmetic
(conv_nets.py, nets.py, image_nets.py); the module's tests hold them equal to the built networks'.
A pretrained ResNet-18 is counted by building it (its weights file is read anyway).
"""

from pathlib import Path

import numpy as np

SEQUENCE_CHANNELS, SEQUENCE_KERNEL = 16, 9  # the 1D CNN's defaults (conv_nets.TorchCNNClassifier)
IMAGE_CHANNELS = 16  # the 2D CNN's default (conv_nets.TorchImageCNNClassifier)


def both_strands(cfg):
    """Whether the DNA network scans both strands: lab.yaml's network.both_strands, by default yes for DNA.

    Measured on the built-in simulated windows (tune ROC AUC, families held out, seed 0): one strand
    0.851 when every motif is on the forward strand, 0.816 when half the windows are reverse
    complemented; both strands 0.823 on either (identical: the score no longer depends on the strand
    read). Real windows come from either strand, so reading both is the default.
    """
    if cfg.modality != "sequence" or cfg.sequence.alphabet != "dna":
        return False
    return True if cfg.network.both_strands is None else bool(cfg.network.both_strands)


def starting_params(cfg, root):
    """The starting network of notebook 03 as estimator parameters, from lab.yaml's `network` section.

    For sequences also the convolution (`channels`, `kernel_size`) and any pretrained weights
    (`sequence.pretrained_weights`, resolved against the project folder `root`).
    """
    spec = cfg.network
    params = {"hidden": list(spec.hidden), "lr": spec.learning_rate, "batch_size": spec.batch_size,
              "dropout": spec.dropout, "optimizer": spec.optimizer}
    if cfg.modality == "sequence":
        params.update(channels=spec.channels or SEQUENCE_CHANNELS, kernel_size=spec.kernel_size or SEQUENCE_KERNEL,
                      both_strands=both_strands(cfg))
        if cfg.sequence.pretrained_weights:
            params.update(pretrained=str(Path(root) / cfg.sequence.pretrained_weights),
                          freeze_conv=cfg.sequence.freeze_pretrained)
    if cfg.modality == "image":
        params.update(channels=spec.channels or IMAGE_CHANNELS, augment=cfg.image.augment)
        if cfg.image.pretrained_weights:
            params.update(pretrained=str(Path(root) / cfg.image.pretrained_weights),
                          freeze_pretrained=cfg.image.freeze_pretrained)
    return params


def dense_weights(n_inputs: int, hidden, n_outputs: int) -> int:
    """Weights and biases of nets.MLP (and of the CNNs' dense heads): one Linear per hidden layer, then the output."""
    total, width = 0, int(n_inputs)
    for size in [hidden] if isinstance(hidden, int) else hidden:
        total += width * int(size) + int(size)
        width = int(size)
    return total + width * int(n_outputs) + int(n_outputs)


def starting_parameter_count(X, params=None, n_outputs: int = 1) -> int:
    """Trainable weights of the starting network for inputs X (a table, sequences or images)."""
    from .preprocess import is_images, is_sequences, make_sequence_encoder

    params = dict(params or {})
    if is_images(X):
        if params.get("pretrained"):
            return _built_count(X, params, n_outputs)
        channels_in = X.image_shape[0]
        channels = int(params.get("channels") or IMAGE_CHANNELS)
        first = max(channels // 2, 4)
        convolutions = channels_in * first * 9 + first + first * channels * 9 + channels
        return convolutions + dense_weights(channels, params.get("hidden", (32,)), n_outputs)
    if is_sequences(X):
        letters = len(make_sequence_encoder(X).letters)
        channels = int(params.get("channels") or SEQUENCE_CHANNELS)
        kernel = int(params.get("kernel_size") or SEQUENCE_KERNEL)
        convolution = 0 if params.get("freeze_conv") else letters * channels * kernel + channels
        return convolution + dense_weights(channels, params.get("hidden", (32,)), n_outputs)
    from .netinputs import network_preprocessing

    width = np.asarray(network_preprocessing(X)[:-1].fit_transform(X)).shape[1]
    return dense_weights(width, params.get("hidden", (64, 64)), n_outputs)


def _built_count(X, params, n_outputs):
    from .nets import count_parameters
    from .networks import make_network

    pipeline = make_network(X, params)
    features = pipeline[:-1].fit_transform(X)
    return count_parameters(pipeline[-1]._build_module(np.asarray(features).shape[1], n_outputs))
