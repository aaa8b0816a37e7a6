"""The MLP, the sequence CNN and the image CNN with a regression head (Tips 3, 5): one output, MSE or Huber loss.

Targets are standardised with the training rows' mean and spread before training and predictions
are mapped back, so the learning rate means the same whatever the target's units and an untrained
network's loss starts near 1 (the training target's variance on that scale). Training, seeding,
early stopping and the one-hot sequence input are those of nets.py.
"""

import numpy as np
import torch
from sklearn.base import RegressorMixin
from sklearn.model_selection import train_test_split
from torch import nn

from ...common.errors import LabError
from ...modalities.image.network import TorchImageCNNClassifier
from ...modalities.registry import modality_of
from ...modalities.sequence.network import TorchCNNClassifier
from ...models.nets import TorchMLPClassifier, _as_matrix, _rng_devices, pick_device
from ...models.networks import make_network

LOSSES = ("mse", "huber")
HUBER_DELTA = 1.0  # in standard deviations of the training target


def as_targets(y, n_rows):
    """The target as a finite float64 vector of one value per row, or a LabError saying what is wrong."""
    try:
        target = np.asarray(y, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise LabError("a regression network needs numeric targets; set data.target to a column of numbers.") from None
    if len(target) != n_rows:
        raise LabError(f"targets must be one value per row ({n_rows}), not {len(target)}.")
    if not np.isfinite(target).all():
        raise LabError("the regression targets contain missing or infinite values; remove those rows.")
    return target


class _RegressionHead:
    """What a regression network changes in the classifier's trainer: targets, output, loss, score."""

    def fit(self, X, y, validation_data=None, on_evaluate=None):
        """Train on X and numeric y (standardised on these rows) from a fixed seed; see TorchMLPClassifier.fit."""
        self._check_settings()
        if self.loss not in LOSSES:
            raise LabError(f"network loss '{self.loss}' is unknown; set network.loss in lab.yaml to mse or huber.")
        features = _as_matrix(X)
        target = as_targets(y, len(features))
        self.target_mean_ = float(target.mean())
        spread = float(target.std())
        self.target_scale_ = spread if spread > 0 else 1.0
        self.n_features_in_ = features.shape[1]
        self.device_ = pick_device(self.device)
        features, codes, validation = self._held_rows(features, self._standardise(target), validation_data)
        with torch.random.fork_rng(devices=_rng_devices(self.device_)):
            torch.manual_seed(int(self.seed))
            self._train(features, codes, validation, on_evaluate)
        return self

    def predict(self, X):
        """Predicted targets (n,), in the target's own units."""
        features = self._checked_features(X)
        output = self._logits(torch.as_tensor(features))[:, 0].numpy().astype(np.float64)
        return output * self.target_scale_ + self.target_mean_

    @property
    def predict_proba(self):
        raise AttributeError("a regression network predicts numbers, not class probabilities")

    def _standardise(self, target):
        return (np.asarray(target, dtype=np.float64) - self.target_mean_) / self.target_scale_

    def _held_rows(self, features, codes, validation_data):
        if validation_data is not None:
            X_val, y_val = validation_data
            val_features = self._checked_features(X_val)
            self.validation_source_ = "validation_data"
            return features, codes, (val_features, self._standardise(as_targets(y_val, len(val_features))))
        if not self.early_stopping:
            self.validation_source_ = None
            return features, codes, None
        keep, held = train_test_split(np.arange(len(codes)), test_size=float(self.validation_fraction),
                                      random_state=int(self.seed))
        keep, held = np.sort(keep), np.sort(held)
        self.validation_source_ = "holdout"
        return features[keep], codes[keep], (features[held], codes[held])

    def _n_outputs(self):
        return 1

    def _loss_fn(self):
        return nn.HuberLoss(delta=HUBER_DELTA) if self.loss == "huber" else nn.MSELoss()

    def _watch_labels(self, codes):
        return codes

    def _targets(self, codes, device):
        return torch.as_tensor(np.asarray(codes), device=device).to(torch.float32).unsqueeze(1)

    def _evaluate(self, watch, loss_fn):
        X_val, y_val, codes = watch
        self.module_.eval()
        with torch.no_grad():
            output = self.module_(X_val)
            loss = float(loss_fn(output, y_val).item())
        predicted = output[:, 0].cpu().numpy().astype(np.float64)
        spread = float(np.sum((codes - codes.mean()) ** 2))
        score = 1.0 - float(np.sum((codes - predicted) ** 2)) / spread if spread > 0 else float("nan")
        return {"val_loss": loss, "val_score": score}  # R², the same on the standardised scale


class TorchMLPRegressor(RegressorMixin, _RegressionHead, TorchMLPClassifier):
    """The multilayer perceptron of nets.py with one linear output for a numeric target."""

    def __init__(self, hidden=(64, 64), dropout=0.0, lr=1e-3, weight_decay=0.0, batch_size=32, epochs=100,
                 optimizer="adam", seed=0, device="cpu", early_stopping=False, patience=10,
                 validation_fraction=0.2, loss="mse"):
        super().__init__(
            hidden=hidden, dropout=dropout, lr=lr, weight_decay=weight_decay, batch_size=batch_size, epochs=epochs,
            optimizer=optimizer, seed=seed, device=device, early_stopping=early_stopping, patience=patience,
            validation_fraction=validation_fraction,
        )  # fmt: skip
        self.loss = loss


class TorchCNNRegressor(RegressorMixin, _RegressionHead, TorchCNNClassifier):
    """The sequence CNN of nets.py with one linear output for a numeric target."""

    def __init__(self, hidden=(32,), dropout=0.0, lr=1e-3, weight_decay=0.0, batch_size=32, epochs=100,
                 optimizer="adam", seed=0, device="cpu", early_stopping=False, patience=10,
                 validation_fraction=0.2, n_letters=4, channels=16, kernel_size=9, pretrained=None,
                 freeze_conv=False, both_strands=False, loss="mse"):
        super().__init__(
            hidden=hidden, dropout=dropout, lr=lr, weight_decay=weight_decay, batch_size=batch_size, epochs=epochs,
            optimizer=optimizer, seed=seed, device=device, early_stopping=early_stopping, patience=patience,
            validation_fraction=validation_fraction, n_letters=n_letters, channels=channels,
            kernel_size=kernel_size, pretrained=pretrained, freeze_conv=freeze_conv, both_strands=both_strands,
        )  # fmt: skip
        self.loss = loss


class TorchImageCNNRegressor(RegressorMixin, _RegressionHead, TorchImageCNNClassifier):
    """The image CNN of nets.py (or a local ResNet-18) with one linear output for a numeric target."""

    def __init__(self, hidden=(32,), dropout=0.0, lr=1e-3, weight_decay=0.0, batch_size=32, epochs=100,
                 optimizer="adam", seed=0, device="cpu", early_stopping=False, patience=10, validation_fraction=0.2,
                 image_shape=(1, 64, 64), channels=16, augment=True, pretrained=None, freeze_pretrained=False,
                 loss="mse"):
        super().__init__(
            hidden=hidden, dropout=dropout, lr=lr, weight_decay=weight_decay, batch_size=batch_size, epochs=epochs,
            optimizer=optimizer, seed=seed, device=device, early_stopping=early_stopping, patience=patience,
            validation_fraction=validation_fraction, image_shape=image_shape, channels=channels, augment=augment,
            pretrained=pretrained, freeze_pretrained=freeze_pretrained,
        )  # fmt: skip
        self.loss = loss


# Each modality's classifier and the same network with a regression head.
REGRESSORS = {TorchMLPClassifier: TorchMLPRegressor, TorchCNNClassifier: TorchCNNRegressor,
              TorchImageCNNClassifier: TorchImageCNNRegressor}


def make_regression_network(X, params=None, seed=0, device=None):
    """Unfitted Pipeline of the network of X's modality with a regression head."""
    return make_network(X, params, seed, device=device, estimator=REGRESSORS[modality_of(X).network_class()])
