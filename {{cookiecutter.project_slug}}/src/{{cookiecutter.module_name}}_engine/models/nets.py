"""Small, seeded PyTorch networks that behave like scikit-learn classifiers (Tips 3, 5).

Start small: a multilayer perceptron over the preprocessed table, trained deterministically so
two runs with the same seed give bit-identical weights, and usable in Pipeline and clone. The
trainer here is shared by the convolutional networks (conv_nets.py); architectures.py says which
network reads which modality, net_checks.py holds notebook 03's sanity checks.
"""

import math
import os
import random

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..common.determinism import deterministic_algorithms
from ..common.errors import LabError
from ..tasks.classification.evaluation import primary_score
from .epoch_progress import EpochProgress

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
    deterministic_algorithms()
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


def _mps_available():
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())
