"""Small, seeded PyTorch networks that behave like scikit-learn classifiers (Tips 3, 5).

Start small: a multilayer perceptron over the preprocessed table, or a one-layer 1D
convolutional network over one-hot sequences, trained deterministically so two runs with the
same seed give bit-identical weights, and usable in Pipeline and clone. The convolutional
network can start from weights saved by an earlier study (transfer learning).
"""

import io
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from torch import nn

from .epoch_progress import EpochProgress
from .errors import LabError
from .evaluate import primary_score
from .files import sha256_bytes, write_atomic
from .image_nets import ImageCNN, ResNetHead
from .preprocess import is_images, is_sequences, make_preprocessor, make_sequence_encoder

DEVICES = ("auto", "cpu", "cuda", "mps")
OPTIMIZERS = ("adam", "sgd")
SGD_MOMENTUM = 0.9
_PREDICT_CHUNK = 8192


def pick_device(preferred="auto"):
    """Name the device to train on: the preferred one, or the best available for "auto".

    "auto" tries CUDA, then Apple MPS, then the CPU; asking for a missing device is an error.
    """
    name = str(preferred).lower()
    base = name.split(":")[0]
    if base not in DEVICES:
        raise LabError(f"unknown device '{preferred}'; choose one of {', '.join(DEVICES)}.")
    if base == "auto":
        if torch.cuda.is_available():
            return "cuda"
        return "mps" if _mps_available() else "cpu"
    if base == "cuda" and not torch.cuda.is_available():
        raise LabError(
            f"device '{preferred}' was requested but CUDA is not available; set device to auto or cpu."
        )
    if base == "mps" and not _mps_available():
        raise LabError(
            f"device '{preferred}' was requested but Apple MPS is not available; set device to auto or cpu."
        )
    return name


class OneHotCrossEntropy(nn.Module):
    """nn.CrossEntropyLoss's loss, -mean(sum(one-hot x log-softmax)), from elementwise kernels only.

    CrossEntropyLoss calls NLLLoss, which has no deterministic CUDA kernel (PyTorch refuses it under
    deterministic algorithms); this form is deterministic on every device.
    """

    def forward(self, logits, target):
        one_hot = nn.functional.one_hot(target, logits.shape[1]).to(logits.dtype)
        return -(one_hot * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()


def loss_for(n_classes, device):
    """Training loss: BCE on one logit for two classes; cross-entropy for more, deterministic on CUDA."""
    if n_classes == 2:
        return nn.BCEWithLogitsLoss()
    return OneHotCrossEntropy() if str(device).startswith("cuda") else nn.CrossEntropyLoss()


def seed_everything(seed, threads=1):
    """Seed Python, NumPy and PyTorch and switch PyTorch to deterministic algorithms.

    Seeds fix shuffling and initialisation; deterministic kernels and a fixed thread count fix
    the arithmetic itself, which seeds alone do not (Tip 3).
    """
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(int(threads))


def count_parameters(module):
    """Number of trainable weights in a PyTorch module.

    Compared with the number of training samples, it shows how easily the network can memorise.
    """
    return int(sum(p.numel() for p in module.parameters() if p.requires_grad))


class MLP(nn.Module):
    """Fully connected network: Linear, ReLU (and optional dropout) per hidden layer, then logits.

    The simplest architecture for a table of measurements; widen or deepen it only when needed.
    """

    def __init__(self, n_inputs, hidden=(64, 64), n_outputs=1, dropout=0.0):
        super().__init__()
        layers, width = [], int(n_inputs)
        for size in hidden:
            layers += [nn.Linear(width, int(size)), nn.ReLU()]
            if dropout > 0:
                layers.append(nn.Dropout(float(dropout)))
            width = int(size)
        layers.append(nn.Linear(width, int(n_outputs)))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        """Return one logit per output for each row of x."""
        return self.layers(x)


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    """scikit-learn classifier wrapping MLP, trained with a seeded mini-batch loop over tensors.

    Records the loss per epoch, the loss of the untrained network and the parameter count for
    the sanity checks of notebook 03. Early stopping watches the validation loss: on the rows
    passed as `fit(..., validation_data=(X_val, y_val))` (the tune split), or else on a seeded,
    stratified holdout of `validation_fraction` of the training rows, so plain `fit(X, y)` —
    as clone, learning_curve and permutation_importance call it — works too. The weights of
    the best epoch are restored and that epoch is kept in `best_epoch_`.
    """

    def __init__(
        self,
        hidden=(64, 64),
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
    ):
        self.hidden = hidden
        self.dropout = dropout
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.epochs = epochs
        self.optimizer = optimizer
        self.seed = seed
        self.device = device
        self.early_stopping = early_stopping
        self.patience = patience
        self.validation_fraction = validation_fraction

    def fit(self, X, y, validation_data=None, on_evaluate=None):
        """Train the network on X (numeric array) and y (labels) from a fixed seed.

        `validation_data` = (X_val, y_val), already preprocessed, is scored after every epoch
        (`val_loss`, `val_score` in history_); `on_evaluate(epoch, record)` is then called and may
        raise to stop training (tuning uses it to prune). Returns self.
        """
        self._check_settings()
        features = _as_matrix(X)
        self.classes_, codes = np.unique(_as_labels(y, len(features)), return_inverse=True)
        if len(self.classes_) < 2:
            raise LabError("the training labels hold only one class; a classifier needs at least two.")
        self.n_features_in_ = features.shape[1]
        self.device_ = pick_device(self.device)
        features, codes, validation = self._validation_rows(features, codes, validation_data)
        with torch.random.fork_rng(devices=_rng_devices(self.device_)):
            torch.manual_seed(int(self.seed))
            self._train(features, codes, validation, on_evaluate)
        return self

    def predict_proba(self, X):
        """Class probabilities, one column per entry of classes_.

        Binary networks emit one logit (sigmoid); multiclass ones emit one per class (softmax).
        """
        check_is_fitted(self, "module_")
        features = self._checked_features(X)
        logits = self._logits(torch.as_tensor(features))
        return self._probabilities(logits).astype(np.float64)

    def predict(self, X):
        """Most probable class for each row of X."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    # settings ------------------------------------------------------------------------------
    def _check_settings(self):
        if str(self.optimizer).lower() not in OPTIMIZERS:
            raise LabError(f"unknown optimizer '{self.optimizer}'; choose one of {', '.join(OPTIMIZERS)}.")
        if int(self.batch_size) < 1 or int(self.epochs) < 0:
            raise LabError(
                "network batch_size must be at least 1 and epochs at least 0; correct them in lab.yaml."
            )
        if int(self.patience) < 1 or not 0.0 < float(self.validation_fraction) < 1.0:
            raise LabError(
                "network patience must be at least 1 epoch and validation_fraction lie in (0, 1); "
                "correct them in lab.yaml."
            )
        self._hidden_sizes()
        if not 0.0 <= float(self.dropout) < 1.0:
            raise LabError(f"network dropout must lie in [0, 1), not {self.dropout}; correct it in lab.yaml.")

    def _hidden_sizes(self):
        sizes = [self.hidden] if isinstance(self.hidden, int) else list(self.hidden)
        if not all(isinstance(s, int | np.integer) and s > 0 for s in sizes):
            raise LabError(
                f"network hidden must list positive layer widths such as [64, 64], not {self.hidden!r}; "
                "correct it in lab.yaml."
            )
        return tuple(int(s) for s in sizes)

    def _checked_features(self, X):
        features = _as_matrix(X)
        if features.shape[1] != self.n_features_in_:
            raise LabError(
                f"the network was trained on {self.n_features_in_} features but got "
                f"{features.shape[1]}; use the same preprocessing for training and prediction."
            )
        return features

    def _validation_rows(self, features, codes, validation_data):
        """Training rows and (features, codes) to validate on, or None when nothing is watched."""
        if validation_data is not None:
            X_val, y_val = validation_data
            val_features = self._checked_features(X_val)
            labels = _as_labels(y_val, len(val_features))
            unknown = sorted(set(labels.tolist()) - set(self.classes_.tolist()), key=str)
            if unknown:
                raise LabError(
                    f"validation labels {', '.join(map(str, unknown))} were not seen in training; "
                    "make sure every class appears in the training split."
                )
            self.validation_source_ = "validation_data"
            return features, codes, (val_features, np.searchsorted(self.classes_, labels))
        if not self.early_stopping:
            self.validation_source_ = None
            return features, codes, None
        keep, held = train_test_split(
            np.arange(len(codes)), test_size=float(self.validation_fraction), stratify=codes,
            random_state=int(self.seed),
        )
        keep, held = np.sort(keep), np.sort(held)
        self.validation_source_ = "holdout"
        return features[keep], codes[keep], (features[held], codes[held])

    # training ------------------------------------------------------------------------------
    def _train(self, features, codes, validation, on_evaluate):
        device = torch.device(self.device_)
        X_t, y_t = torch.as_tensor(features, device=device), self._targets(codes, device)
        self.module_ = self._build_module(features.shape[1], self._n_outputs()).to(device)
        self.n_parameters_ = count_parameters(self.module_)
        loss_fn = self._loss_fn()
        self.initial_loss_ = self._full_loss(X_t, y_t, loss_fn)
        watch = None if validation is None else (torch.as_tensor(validation[0], device=device),
                                                 self._targets(validation[1], device),
                                                 self._watch_labels(validation[1]))
        optimizer = self._make_optimizer()
        generator = torch.Generator().manual_seed(int(self.seed))
        batch_sizes = torch.tensor([len(b) for b in torch.arange(len(X_t)).split(int(self.batch_size))],
                                   dtype=torch.float32, device=device)
        self.history_, self.best_epoch_, best = [], None, (math.inf, None)
        with EpochProgress(int(self.epochs), len(X_t), self.validation_source_) as ticker:  # lines on long fits
            for epoch in range(1, int(self.epochs) + 1):
                record = {"epoch": epoch, "train_loss": self._run_epoch(X_t, y_t, loss_fn, optimizer, generator,
                                                                         batch_sizes)}
                self.history_.append(record)
                if watch is not None:
                    record.update(self._evaluate(watch, loss_fn))
                    if record["val_loss"] < best[0]:
                        best = (record["val_loss"], self._copy_weights() if self.early_stopping else None)
                        self.best_epoch_ = epoch
                ticker.step(record)
                if watch is not None and on_evaluate is not None:
                    on_evaluate(epoch, record)
                if (self.early_stopping and self.best_epoch_ is not None
                        and epoch - self.best_epoch_ >= int(self.patience)):
                    break
        self.stopped_epoch_ = len(self.history_)
        if self.early_stopping and best[1] is not None:
            self.module_.load_state_dict(best[1])
        self.module_.eval()

    def _n_outputs(self):
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _loss_fn(self):
        return loss_for(len(self.classes_), self.device_)

    def _watch_labels(self, codes):  # ranks of the sorted classes_: the labels' very ROC-AUC, compared much faster
        return np.asarray(codes)

    def _build_module(self, n_features, n_outputs):
        """The untrained network, built under the fit's seed; subclasses override it for other architectures."""
        return MLP(n_features, self._hidden_sizes(), n_outputs, float(self.dropout))

    def _targets(self, codes, device):
        y_t = torch.as_tensor(np.asarray(codes), device=device)
        return y_t.to(torch.float32).unsqueeze(1) if len(self.classes_) == 2 else y_t.to(torch.long)

    def _run_epoch(self, X_t, y_t, loss_fn, optimizer, generator, batch_sizes):
        """One pass over shuffled in-memory tensors: views of one permuted copy, no per-sample indexing."""
        module = self.module_
        module.train()
        order = torch.randperm(len(X_t), generator=generator).to(X_t.device)
        size = int(self.batch_size)
        losses = []
        for xb, yb in zip(X_t[order].split(size), y_t[order].split(size), strict=True):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(module(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
        if not losses:
            return float("nan")
        return float(torch.dot(torch.stack(losses), batch_sizes) / len(X_t))  # one sync per epoch

    def _evaluate(self, watch, loss_fn):
        X_val, y_val, labels = watch
        self.module_.eval()
        with torch.no_grad():
            logits = self.module_(X_val)
            loss = float(loss_fn(logits, y_val).item())
        proba = self._probabilities(logits.cpu())
        coded = np.arange(len(self.classes_))
        score = primary_score(labels, proba, coded) if len(np.unique(labels)) > 1 else float("nan")
        return {"val_loss": loss, "val_score": score}

    def _copy_weights(self):
        return {key: value.detach().clone() for key, value in self.module_.state_dict().items()}

    def _full_loss(self, X_t, y_t, loss_fn):
        self.module_.eval()
        with torch.no_grad():
            return float(loss_fn(self.module_(X_t), y_t).item())

    def _make_optimizer(self):
        params = [p for p in self.module_.parameters() if p.requires_grad]  # frozen layers stay as loaded
        lr, decay = float(self.lr), float(self.weight_decay)
        fused = _fused_supported(self.device_)  # one kernel per step: same maths, less Python
        if str(self.optimizer).lower() == "sgd":
            return torch.optim.SGD(params, lr=lr, momentum=SGD_MOMENTUM, weight_decay=decay, fused=fused)
        return torch.optim.Adam(params, lr=lr, weight_decay=decay, fused=fused)

    def _logits(self, X_t):
        self.module_.eval()
        device = next(self.module_.parameters()).device
        with torch.no_grad():
            chunks = [
                self.module_(X_t[i : i + _PREDICT_CHUNK].to(device)).cpu()
                for i in range(0, len(X_t), _PREDICT_CHUNK)
            ]
        if not chunks:
            return torch.empty((0, self._n_outputs()))
        return torch.cat(chunks)

    def _probabilities(self, logits):
        if len(self.classes_) == 2:
            positive = torch.sigmoid(logits[:, 0]).numpy()
            return np.column_stack([1.0 - positive, positive])
        return torch.softmax(logits, dim=1).numpy()


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


class TorchImageCNNClassifier(TorchMLPClassifier):
    """scikit-learn classifier wrapping ImageCNN (or a local ResNet-18), with the same seeded trainer as the MLP.

    Reads flat rows of `image_shape` (channels, height, width) standardised pixels. `augment` flips,
    rotates and jitters each training batch; `pretrained` is a local torchvision ResNet-18 state dict
    (its sha256 kept in `pretrained_sha256_`), never downloaded.
    """

    def __init__(self, hidden=(32,), dropout=0.0, lr=1e-3, weight_decay=0.0, batch_size=32, epochs=100,
                 optimizer="adam", seed=0, device="cpu", early_stopping=False, patience=10, validation_fraction=0.2,
                 image_shape=(1, 64, 64), channels=16, augment=True, pretrained=None, freeze_pretrained=False):
        super().__init__(
            hidden=hidden, dropout=dropout, lr=lr, weight_decay=weight_decay, batch_size=batch_size,
            epochs=epochs, optimizer=optimizer, seed=seed, device=device, early_stopping=early_stopping,
            patience=patience, validation_fraction=validation_fraction,
        )  # fmt: skip
        self.image_shape = image_shape
        self.channels = channels
        self.augment = augment
        self.pretrained = pretrained
        self.freeze_pretrained = freeze_pretrained

    def _build_module(self, n_features, n_outputs):
        shape = tuple(int(v) for v in self.image_shape)
        if n_features != shape[0] * shape[1] * shape[2]:
            raise LabError(f"the image network expects {shape} pixels per image but got {n_features} values; "
                           "encode the images with the pipeline make_network builds.")
        self.pretrained_sha256_ = None
        if self.pretrained:
            module = ResNetHead(*shape, n_outputs, self.pretrained, bool(self.freeze_pretrained), bool(self.augment))
            self.pretrained_sha256_ = module.sha256
            return module
        if not _positive_int(self.channels):
            raise LabError(f"network channels must be a positive whole number, not {self.channels!r}; "
                           "correct it in lab.yaml.")
        return ImageCNN(*shape, int(self.channels), self._hidden_sizes(), n_outputs, float(self.dropout),
                        bool(self.augment))


@dataclass(frozen=True)
class Architecture:
    """How one data modality is represented and which network reads it (Tip 5)."""

    name: str
    representation: str
    estimator: type


# The one place that maps a modality (lab.yaml `modality`) to its representation and network.
ARCHITECTURES = MappingProxyType(
    {
        "tabular": Architecture(
            name="multilayer perceptron (MLP)",
            representation="one standardised input per measured column; the columns have no natural order",
            estimator=TorchMLPClassifier,
        ),
        "sequence": Architecture(
            name="1D convolutional network (CNN)",
            representation=(
                "each fixed-length sequence as one-hot letters along its positions, so a convolution can "
                "scan the same short filters along the whole sequence and find a motif wherever it sits"
            ),
            estimator=TorchCNNClassifier,
        ),
        "image": Architecture(
            name="2D convolutional network (CNN)",
            representation=(
                "each image as its pixels per channel (standardised with training means), so 3x3 filters shared "
                "across the image find a cell's texture wherever it lies; flips, 90-degree rotations and a small "
                "intensity jitter augment training"
            ),
            estimator=TorchImageCNNClassifier,
        ),
    }
)


def architecture_for(modality):
    """The representation and network for a modality, or a LabError naming the ones available."""
    if modality not in ARCHITECTURES:
        raise LabError(
            f"lab.yaml: field 'modality' is '{modality}', which has no network yet; "
            f"use one of {', '.join(ARCHITECTURES)}."
        )
    return ARCHITECTURES[modality]


def make_network(X, params=None, seed=0, modality=None, device=None, estimator=None):
    """Return an unfitted Pipeline: the representation of X the modality's network reads, then the network.

    Tables: the same training-only preprocessor as the baselines, so comparisons are like for
    like. Sequences: one-hot letters along each sequence (the baselines read k-mer frequencies
    of the same sequences). The modality is that of X unless given. `device` (lab.yaml's
    device, e.g. "auto") overrides any device in params; None keeps params' own (default cpu).
    """
    modality = modality or ("image" if is_images(X) else "sequence" if is_sequences(X) else "tabular")
    estimator = estimator or architecture_for(modality).estimator  # a regression head passes its own
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
    if is_sequences(X):
        encoder = make_sequence_encoder(X)
        params.setdefault("n_letters", len(encoder.letters))
        return Pipeline([("prep", encoder), ("model", estimator(**{"seed": seed, **params}))])
    if is_images(X):  # images: standardised pixels, the shape travelling with the network
        from .image_features import ImagePixels

        params.setdefault("image_shape", X.image_shape)
        return Pipeline([("prep", ImagePixels()), ("model", estimator(**{"seed": seed, **params}))])
    network = estimator(**{"seed": seed, **params})
    return Pipeline([("prep", make_preprocessor(X)), ("model", network)])


def network_parameter_names():
    """Every parameter a network of any modality accepts (lab.yaml's tuning.fixed.network may set them)."""
    return sorted({name for arch in ARCHITECTURES.values() for name in arch.estimator().get_params()})


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
        defaults = TorchCNNClassifier()
        params.update(channels=spec.channels or defaults.channels, kernel_size=spec.kernel_size or defaults.kernel_size,
                      both_strands=both_strands(cfg))
        if cfg.sequence.pretrained_weights:
            params.update(pretrained=str(Path(root) / cfg.sequence.pretrained_weights),
                          freeze_conv=cfg.sequence.freeze_pretrained)
    if cfg.modality == "image":
        params.update(channels=spec.channels or TorchImageCNNClassifier().channels, augment=cfg.image.augment)
        if cfg.image.pretrained_weights:
            params.update(pretrained=str(Path(root) / cfg.image.pretrained_weights),
                          freeze_pretrained=cfg.image.freeze_pretrained)
    return params


def fit_network(pipeline, X, y, validation_data=None, on_evaluate=None):
    """Fit a make_network pipeline, passing validation rows through its training-fitted preprocessor.

    Pipeline.fit would hand `model__validation_data` to the network untransformed; this fits
    the preprocessor on X only, transforms both tables with it, then trains the network.
    """
    prep, network = pipeline[:-1], pipeline[-1]
    features = prep.fit_transform(X, y)
    if validation_data is not None:
        validation_data = (prep.transform(validation_data[0]), validation_data[1])
    network.fit(features, y, validation_data=validation_data, on_evaluate=on_evaluate)
    return pipeline


# sanity checks (notebook 03) -------------------------------------------------------------------
def expected_initial_loss(n_classes):
    """Cross-entropy of a network that still guesses uniformly: ln(number of classes)."""
    return math.log(int(n_classes))


def overfit_tiny_sample(X, y, params=None, seed=0, n_samples=32, epochs=300, target=0.99):
    """Train on a few stratified training rows, without regularisation, until it memorises them.

    A network that cannot reach ~100% accuracy on 32 samples has a bug (wiring, learning rate,
    labels); one that can is at least able to learn (Tip 3).
    """
    labels = np.asarray(y)
    n_samples = min(int(n_samples), len(labels))
    _, rows = train_test_split(np.arange(len(labels)), test_size=n_samples, stratify=labels,
                               random_state=int(seed))
    rows = np.sort(rows)
    X_small, y_small = X.iloc[rows], labels[rows]
    settings = {**dict(params or {}), "dropout": 0.0, "weight_decay": 0.0, "batch_size": n_samples,
                "epochs": int(epochs), "early_stopping": False}
    model = make_network(X_small, settings, seed=seed).fit(X_small, y_small)
    accuracy = float(np.mean(model.predict(X_small) == y_small))
    net = model[-1]
    return {
        "n_samples": n_samples,
        "epochs": int(epochs),
        "train_accuracy": accuracy,
        "final_train_loss": net.history_[-1]["train_loss"] if net.history_ else net.initial_loss_,
        "target_accuracy": target,
        "passed": accuracy >= target,
        "history": net.history_,
    }


def compare_optimizers(X_train, y_train, X_tune, y_tune, params=None, seed=0, optimizers=OPTIMIZERS, fitted=None,
                       build=None):
    """Train the same network with each optimiser (same seed, learning rate, epochs and stopping rule).

    Returns {optimizer: {"history", "final_train_loss", "final_val_loss", "best_val_score",
    "stopped_epoch", "early_stopping"}}: defaults such as the optimiser can change results as
    much as the architecture (Tip 3). Early stopping follows `params` (off unless set), so the
    comparison costs no more than the main fit; `fitted` maps an optimiser to a network already
    trained with these params, which is reused rather than trained again. `build(X, params, seed=)`
    makes the unfitted network (make_network unless given; a regression head passes its own).
    """
    results, fitted, build = {}, dict(fitted or {}), build or make_network
    for name in optimizers:
        settings = {"early_stopping": False, **dict(params or {}), "optimizer": name}
        model = fitted.get(name) or fit_network(build(X_train, settings, seed=seed), X_train, y_train,
                                                (X_tune, y_tune))
        history = model[-1].history_
        results[name] = {
            "history": history,
            "final_train_loss": history[-1]["train_loss"] if history else None,
            "final_val_loss": history[-1]["val_loss"] if history else None,
            "best_val_score": max((h["val_score"] for h in history), default=None),
            "stopped_epoch": len(history),
            "early_stopping": bool(settings["early_stopping"]),
        }
    return results


def _fused_supported(device):
    return device.split(":")[0] in ("cpu", "cuda")


def _as_matrix(X):
    try:
        matrix = np.asarray(X, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise LabError(
            f"the network needs numeric input ({error}); "
            "fit it inside make_network's pipeline so columns are encoded."
        ) from None
    if matrix.ndim != 2:
        raise LabError(f"the network needs a 2-D table of features, not an array of shape {matrix.shape}.")
    if not np.isfinite(matrix).all():
        raise LabError(
            "the network input contains missing or infinite values; "
            "fit it inside make_network's pipeline so they are imputed."
        )
    return np.ascontiguousarray(matrix)


def _as_labels(y, n_rows):
    labels = np.asarray(y)
    if labels.ndim != 1 or len(labels) != n_rows:
        raise LabError(f"labels must be one value per row ({n_rows}), not an array of shape {labels.shape}.")
    return labels


def _rng_devices(device):
    if device.startswith("cuda"):
        index = torch.device(device).index
        return [index if index is not None else torch.cuda.current_device()]
    return []


def _positive_int(value):
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 1


def _mps_available():
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())
