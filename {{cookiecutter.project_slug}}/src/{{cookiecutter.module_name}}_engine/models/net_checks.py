"""Sanity checks of a network before it is tuned (notebook 03, Tip 3).

The initial loss of a network that still guesses, memorising a tiny sample, and Adam against SGD
with the same early stopping as the main fit.
"""

import math

import numpy as np
from sklearn.model_selection import train_test_split

from .fitting import fit_network
from .nets import OPTIMIZERS
from .networks import make_network


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
