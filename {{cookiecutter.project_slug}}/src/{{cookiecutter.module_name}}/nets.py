"""A small, seeded PyTorch network that behaves like a scikit-learn classifier (Tips 3, 5).

Start small: a multilayer perceptron over the preprocessed table, trained deterministically
so two runs with the same seed give bit-identical weights, and usable in Pipeline and clone.
"""

import os
import random

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from torch import nn

from .errors import LabError
from .preprocess import make_preprocessor

DEVICES = ("auto", "cpu", "cuda", "mps")
OPTIMIZERS = ("adam", "sgd")
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
    """scikit-learn classifier wrapping MLP, trained with a seeded mini-batch loop.

    Takes the numeric array a preprocessor produces; records the loss per epoch, the loss of
    the untrained network and the parameter count for the sanity checks of notebook 03.
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

    def fit(self, X, y):
        """Train the network on X (numeric array) and y (labels) from a fixed seed.

        Returns self; history_, initial_loss_ and n_parameters_ describe the training run.
        """
        self._check_settings()
        features = _as_matrix(X)
        self.classes_, codes = np.unique(_as_labels(y, len(features)), return_inverse=True)
        if len(self.classes_) < 2:
            raise LabError("the training labels hold only one class; a classifier needs at least two.")
        self.n_features_in_ = features.shape[1]
        self.device_ = pick_device(self.device)
        with torch.random.fork_rng(devices=_rng_devices(self.device_)):
            torch.manual_seed(int(self.seed))
            self._train(features, codes)
        return self

    def predict_proba(self, X):
        """Class probabilities, one column per entry of classes_.

        Binary networks emit one logit (sigmoid); multiclass ones emit one per class (softmax).
        """
        check_is_fitted(self, "module_")
        features = _as_matrix(X)
        if features.shape[1] != self.n_features_in_:
            raise LabError(
                f"the network was trained on {self.n_features_in_} features but got "
                f"{features.shape[1]}; use the same preprocessing for training and prediction."
            )
        logits = self._logits(torch.as_tensor(features))
        return self._probabilities(logits).astype(np.float64)

    def predict(self, X):
        """Most probable class for each row of X."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def _check_settings(self):
        if str(self.optimizer).lower() not in OPTIMIZERS:
            raise LabError(f"unknown optimizer '{self.optimizer}'; choose one of {', '.join(OPTIMIZERS)}.")
        if int(self.batch_size) < 1 or int(self.epochs) < 0:
            raise LabError(
                "network batch_size must be at least 1 and epochs at least 0; correct them in lab.yaml."
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

    def _train(self, features, codes):
        binary = len(self.classes_) == 2
        device = torch.device(self.device_)
        X_t = torch.as_tensor(features, device=device)
        y_t = torch.as_tensor(codes, device=device)
        y_t = y_t.to(torch.float32).unsqueeze(1) if binary else y_t.to(torch.long)
        self.module_ = MLP(
            features.shape[1], self._hidden_sizes(), 1 if binary else len(self.classes_), float(self.dropout)
        ).to(device)
        self.n_parameters_ = count_parameters(self.module_)
        loss_fn = nn.BCEWithLogitsLoss() if binary else nn.CrossEntropyLoss()
        self.initial_loss_ = self._full_loss(X_t, y_t, loss_fn)
        optimizer = self._make_optimizer()
        generator = torch.Generator().manual_seed(int(self.seed))
        self.history_ = [
            {"epoch": epoch + 1, "train_loss": self._run_epoch(X_t, y_t, loss_fn, optimizer, generator)}
            for epoch in range(int(self.epochs))
        ]
        self.module_.eval()

    def _run_epoch(self, X_t, y_t, loss_fn, optimizer, generator):
        self.module_.train()
        order = torch.randperm(len(X_t), generator=generator).to(X_t.device)
        X_s, y_s = X_t[order], y_t[order]
        size, total = int(self.batch_size), 0.0
        for start in range(0, len(X_s), size):
            xb, yb = X_s[start : start + size], y_s[start : start + size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(self.module_(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        return total / len(X_s)

    def _full_loss(self, X_t, y_t, loss_fn):
        self.module_.eval()
        with torch.no_grad():
            return float(loss_fn(self.module_(X_t), y_t).item())

    def _make_optimizer(self):
        params = self.module_.parameters()
        lr, decay = float(self.lr), float(self.weight_decay)
        if str(self.optimizer).lower() == "sgd":
            return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=decay)
        return torch.optim.Adam(params, lr=lr, weight_decay=decay)

    def _logits(self, X_t):
        self.module_.eval()
        device = next(self.module_.parameters()).device
        with torch.no_grad():
            chunks = [
                self.module_(X_t[i : i + _PREDICT_CHUNK].to(device)).cpu()
                for i in range(0, len(X_t), _PREDICT_CHUNK)
            ]
        if not chunks:
            return torch.empty((0, 1 if len(self.classes_) == 2 else len(self.classes_)))
        return torch.cat(chunks)

    def _probabilities(self, logits):
        if len(self.classes_) == 2:
            positive = torch.sigmoid(logits[:, 0]).numpy()
            return np.column_stack([1.0 - positive, positive])
        return torch.softmax(logits, dim=1).numpy()


def make_network(X, params=None, seed=0):
    """Return an unfitted Pipeline: preprocessor for the columns of X, then TorchMLPClassifier.

    The same training-only preprocessing as the baselines, so comparisons are like for like.
    """
    params = dict(params or {})
    valid = TorchMLPClassifier().get_params()
    unknown = sorted(k for k in params if k not in valid)
    if unknown:
        raise LabError(
            f"the network has no parameter {', '.join(map(repr, unknown))}; "
            f"use one of {', '.join(sorted(valid))}."
        )
    network = TorchMLPClassifier(**{"seed": seed, **params})
    return Pipeline([("prep", make_preprocessor(X)), ("model", network)])


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


def _mps_available():
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())
