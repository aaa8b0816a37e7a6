"""Sanity checks of a regression network before tuning (Tip 3), the counterparts of those in nets.py.

The network trains on the standardised target, so an untrained one that predicts about zero has a
mean squared error near 1 — the training target's variance on that scale — and a known Huber loss;
a working network memorises a tiny sample (training R² near 1); Adam and SGD are compared alike.
"""

import numpy as np
import torch
from torch import nn

from ...models.net_checks import compare_optimizers
from ...models.nets import OPTIMIZERS
from ..views import NetworkView
from .metrics import metric_value
from .networks import HUBER_DELTA, make_regression_network


def expected_initial_loss_regression(y_train, loss="mse"):
    """The loss of predicting the training mean on the standardised scale: 1 for MSE (the variance), less for Huber."""
    y = np.asarray(y_train, dtype=float)
    z = (y - y.mean()) / (y.std() or 1.0)
    if loss == "huber":
        return float(nn.HuberLoss(delta=HUBER_DELTA)(torch.as_tensor(z), torch.zeros(len(z), dtype=torch.float64)))
    return float(np.mean(z**2))


def memorise_tiny_sample(X, y, params=None, seed=0, n_samples=32, epochs=300, target=0.95):
    """Train on a few seeded training rows without regularisation; a working network reaches R² ≥ target on them."""
    y = np.asarray(y, dtype=float)
    n_samples = min(int(n_samples), len(y))
    rows = np.sort(np.random.default_rng(seed).choice(len(y), n_samples, replace=False))
    X_small, y_small = X.iloc[rows], y[rows]
    settings = {**dict(params or {}), "dropout": 0.0, "weight_decay": 0.0, "batch_size": n_samples,
                "epochs": int(epochs), "early_stopping": False}
    model = make_regression_network(X_small, settings, seed=seed).fit(X_small, y_small)
    r2 = metric_value(y_small, model.predict(X_small), "r2")
    net = model[-1]
    return {"n_samples": n_samples, "epochs": int(epochs), "train_r2": r2, "target_r2": target,
            "final_train_loss": net.history_[-1]["train_loss"] if net.history_ else net.initial_loss_,
            "passed": bool(r2 >= target), "history": net.history_}


def compare_optimizers_regression(X_train, y_train, X_tune, y_tune, params=None, seed=0, optimizers=OPTIMIZERS,
                                  fitted=None):
    """net_checks.compare_optimizers for a regression network: val_score is the tune R²."""
    return compare_optimizers(X_train, y_train, X_tune, y_tune, params, seed=seed, optimizers=optimizers,
                              fitted=fitted, build=make_regression_network)


def _head_checks(net, metric):
    return {"loss": net.loss, "target_mean_train": net.target_mean_, "target_sd_train": net.target_scale_,
            "score": metric}


def _memorised(tiny) -> str:
    return (f"{tiny['n_samples']} samples, {tiny['epochs']} epochs: training R² {tiny['train_r2']:.3f} "
            f"(target {tiny['target_r2']}), final loss {tiny['final_train_loss']:.4f}")


def _memorise(X, y, params, seed, n_samples):
    return memorise_tiny_sample(X, y, params, seed=seed, n_samples=n_samples)


HEAD = NetworkView(
    expected_initial_loss=lambda net, y_train: expected_initial_loss_regression(y_train, net.loss),
    head_checks=_head_checks, loss_label=lambda net: f"loss ({net.loss.upper()} of the standardised target)",
    memorise=_memorise, memorised=_memorised, validation_words="R²",
)
