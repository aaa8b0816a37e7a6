"""What a fitted model is, read from the fitted object itself: kind, layers, parameters, epochs.

Notebook 05 records this next to each saved model (models/index.json), so the model card and
the DOME report describe the model that was evaluated on test and saved, not the untuned
starting network of notebook 03.
"""

from __future__ import annotations

from typing import Any

# scikit-learn estimators by class name, in words a reader knows.
KINDS = {
    "LogisticRegression": "logistic regression",
    "RandomForestClassifier": "random forest",
    "KNeighborsClassifier": "k-nearest neighbours",
    "GaussianNB": "Gaussian naive Bayes",
    "SVC": "support vector machine",
    "DummyClassifier": "prior (always predicts the class frequencies)",
    "TorchMLPClassifier": "fully connected network (multilayer perceptron)",
    "TorchCNNClassifier": "1D convolutional network (CNN)",
}


def final_step(model: Any) -> Any:
    """The estimator at the end of a Pipeline (or the model itself)."""
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def describe_model(model: Any, params: dict | None = None) -> dict:
    """Kind, settings and, for a network, layers, trainable parameters and epochs of a fitted model."""
    estimator = final_step(model)
    name = type(estimator).__name__
    description = {"estimator": name, "kind": KINDS.get(name, name), "settings": dict(params or {})}
    module = getattr(estimator, "module_", None)
    if module is not None:
        description.update(_network_facts(estimator, module))
    return description


def _network_facts(estimator: Any, module: Any) -> dict:
    from .nets import count_parameters

    history = list(getattr(estimator, "history_", None) or [])
    return {
        "layers": layer_summary(estimator, module),
        "trainable_parameters": count_parameters(module),
        "epochs_trained": len(history),
        "max_epochs": int(estimator.epochs),
        "early_stopping": bool(estimator.early_stopping),
        "dropout": float(estimator.dropout),
        "weight_decay": float(estimator.weight_decay),
    }


def layer_summary(estimator: Any, module: Any) -> str:
    """The network's shape in words, e.g. '30 inputs → 16 → 16 → 1 output'."""
    import torch.nn as nn

    dense = [m for m in module.modules() if isinstance(m, nn.Linear)]
    conv = [m for m in module.modules() if isinstance(m, nn.Conv1d)]
    outputs = dense[-1].out_features if dense else None
    out_words = f"{outputs} output{'s' if outputs != 1 else ''}"
    if conv:
        c = conv[0]
        length = getattr(module, "length", None)
        head = " → ".join(str(m.out_features) for m in dense[:-1])
        return (f"{c.in_channels} letters × {length} positions → {c.out_channels} convolution filters of width "
                f"{c.kernel_size[0]}, max-pooled over positions → dense {head or 'none'} → {out_words}")
    widths = [str(dense[0].in_features)] + [str(m.out_features) for m in dense[:-1]] if dense else []
    return f"{widths[0]} inputs → " + " → ".join([*widths[1:], out_words]) if widths else type(module).__name__
