"""The sequence network: a 1D CNN over one-hot letters, trained by the engine's seeded trainer (Tip 5).

It scans DNA or protein letters (optionally on both strands, optionally starting from weights an
earlier study saved with `save_weights`).
"""

import io
from pathlib import Path

import numpy as np
import torch
from sklearn.pipeline import Pipeline
from torch import nn

from ...common.errors import LabError
from ...common.files import sha256_bytes, write_atomic
from ...models.nets import MLP, TorchMLPClassifier


class SequenceCNN(nn.Module):
    """One-hot sequence -> 1D convolution -> ReLU -> global max pool -> small dense head -> logits.

    The input is the flat one-hot row (length x letters, position-major), reshaped to one
    channel per letter along the sequence. Each convolution filter is one short pattern scanned
    along the whole sequence with the same weights at every position (Tip 5): a motif is learned
    once wherever it sits, with channels x letters x kernel_size weights instead of the
    length x letters inputs per unit an MLP needs, and the global max pool keeps the best match
    anywhere, so detection does not depend on where the motif lies. With `both_strands` (DNA, letters
    A C G T) each filter also scans the reverse complement and the better match counts: a motif
    reads the same on either strand (a strand-symmetric first layer, no extra weights).
    """

    def __init__(self, n_letters, length, channels=16, kernel_size=9, hidden=(32,), n_outputs=1, dropout=0.0,
                 both_strands=False):
        super().__init__()
        self.n_letters, self.length, self.both_strands = int(n_letters), int(length), bool(both_strands)
        self.conv = nn.Conv1d(self.n_letters, int(channels), int(kernel_size), padding=int(kernel_size) // 2)
        self.head = MLP(int(channels), hidden, n_outputs, dropout)  # reads the best match of each filter

    def forward(self, x):
        """Return one logit per output for each flat one-hot row of x."""
        letters = x.reshape(x.shape[0], self.length, self.n_letters).transpose(1, 2)  # (n, letters, length)
        best = torch.relu(self.conv(letters)).amax(dim=2)
        if self.both_strands:  # the same filters on the reverse complement: letters A C G T -> T G C A, reversed
            best = torch.maximum(best, torch.relu(self.conv(letters.flip(1).flip(2))).amax(dim=2))
        return self.head(best)


PRETRAINED_FIELD = "sequence.pretrained_weights"


class TorchCNNClassifier(TorchMLPClassifier):
    """scikit-learn classifier wrapping SequenceCNN, with the same seeded trainer as the MLP.

    Reads flat one-hot rows of `n_letters` coding letters per position. `pretrained` is the path
    of a local weights file written by save_weights: every tensor whose name and shape match is
    copied in before training (the convolution must match), recorded in `pretrained_layers_` and
    `pretrained_sha256_`; `freeze_conv=True` keeps the convolution filters fixed while the head
    trains. Nothing is downloaded. `both_strands=True` (DNA) scans each filter along both strands.
    """

    def __init__(
        self,
        hidden=(32,),
        dropout=0.0,
        lr=1e-3,
        weight_decay=0.0,
        batch_size=32,
        epochs=100,
        optimizer="adam",
        seed=0,
        device="cpu",
        early_stopping=False,
        patience=10,
        validation_fraction=0.2,
        n_letters=4,
        channels=16,
        kernel_size=9,
        pretrained=None,
        freeze_conv=False,
        both_strands=False,
    ):
        super().__init__(
            hidden=hidden, dropout=dropout, lr=lr, weight_decay=weight_decay, batch_size=batch_size,
            epochs=epochs, optimizer=optimizer, seed=seed, device=device, early_stopping=early_stopping,
            patience=patience, validation_fraction=validation_fraction,
        )  # fmt: skip
        self.n_letters = n_letters
        self.channels = channels
        self.kernel_size = kernel_size
        self.pretrained = pretrained
        self.freeze_conv = freeze_conv
        self.both_strands = both_strands

    def _check_settings(self):
        super()._check_settings()
        if not _positive_int(self.n_letters):
            raise LabError(f"network n_letters must be a positive whole number, not {self.n_letters!r}.")
        if not _positive_int(self.channels):
            raise LabError(
                f"network channels must be a positive whole number, not {self.channels!r}; correct it in lab.yaml."
            )
        if not _positive_int(self.kernel_size) or int(self.kernel_size) % 2 == 0:
            raise LabError(
                f"network kernel_size must be an odd whole number of at least 1 (such as 9), "
                f"not {self.kernel_size!r}; correct it in lab.yaml."
            )

    def _build_module(self, n_features, n_outputs):
        letters = int(self.n_letters)
        if n_features % letters:
            raise LabError(
                f"the one-hot input has {n_features} columns, which is not a whole number of positions of "
                f"{letters} letters each; the one-hot width does not match the alphabet, so encode the "
                "sequences with the alphabet declared in lab.yaml."
            )
        if self.both_strands and letters != 4:
            raise LabError(f"network both_strands scans the reverse complement of DNA (4 letters), not of "
                           f"{letters}-letter sequences; set network.both_strands: false in lab.yaml.")
        module = SequenceCNN(
            letters, n_features // letters, int(self.channels), int(self.kernel_size), self._hidden_sizes(),
            n_outputs, float(self.dropout), bool(self.both_strands),
        )  # fmt: skip
        self.pretrained_layers_, self.pretrained_sha256_ = self._load_pretrained(module)
        if self.freeze_conv:
            for weight in module.conv.parameters():
                weight.requires_grad_(False)
        return module

    def _load_pretrained(self, module):
        """Copy matching tensors from the pretrained file into module; (sorted names, file sha256)."""
        if self.pretrained is None or str(self.pretrained) == "":
            return [], None
        where = f"lab.yaml field '{PRETRAINED_FIELD}': {self.pretrained}"
        path = Path(self.pretrained)
        if not path.is_file():
            raise LabError(
                f"{where} is not a file; give the path of a weights file written by save_weights, or set it to null."
            )
        data = path.read_bytes()
        try:
            saved = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable file is the same user mistake
            raise LabError(
                f"{where} could not be read as saved network weights ({type(error).__name__}); "
                "give a file written by save_weights, or set it to null."
            ) from None
        if not isinstance(saved, dict) or not all(torch.is_tensor(v) for v in saved.values()):
            raise LabError(
                f"{where} does not hold a table of named weights; give a file written by save_weights, "
                "or set it to null."
            )
        own = module.state_dict()
        needed = tuple(own["conv.weight"].shape)
        found = tuple(saved["conv.weight"].shape) if "conv.weight" in saved else None
        if found != needed:
            held = "no convolution weights" if found is None else f"convolution weights of shape {found}"
            raise LabError(
                f"{where} holds {held} but this network needs {needed} (alphabet/channels/kernel_size differ); "
                "train them with the same settings or set it to null."
            )
        matched = sorted(
            name for name, tensor in saved.items() if name in own and tuple(tensor.shape) == tuple(own[name].shape)
        )
        module.load_state_dict({name: saved[name].to(own[name].dtype) for name in matched}, strict=False)
        return matched, sha256_bytes(data)


def save_weights(model, path):
    """Write a fitted network's weights (a Pipeline or the estimator itself) to path; return the file's sha256.

    The file is written whole or not at all (temporary file in the same folder, then renamed);
    give its path as `pretrained` to start another network from these weights.
    """
    network = model[-1] if isinstance(model, Pipeline) else model
    if not hasattr(network, "module_"):
        raise LabError("only a fitted network's weights can be saved; fit the network first.")
    state = {name: tensor.detach().cpu().clone() for name, tensor in network.module_.state_dict().items()}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    data = buffer.getvalue()
    write_atomic(Path(path), data)
    return sha256_bytes(data)


def _positive_int(value):
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 1
