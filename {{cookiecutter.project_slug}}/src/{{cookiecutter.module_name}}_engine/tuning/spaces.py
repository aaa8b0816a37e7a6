"""The declared search space of every model family, and one way to build any family's model (Tips 2, 6).

A space is a function of an Optuna trial; hyperparameters fixed in lab.yaml are held at their value.
The space's signature (its names and ranges) is hashed and stored with a study, so a worker never adds
trials drawn from another space.
"""

import hashlib
import json
from types import MappingProxyType

from ..common.errors import LabError
from ..common.lazy_imports import optuna, quiet_optuna
from ..common.names import NETWORK
from ..modalities.registry import network_parameter_names
from ..models.networks import make_network
from ..tasks.classification.models import CLASSICAL, make_model, parameter_names


class _Held:
    """Trial stand-in: hyperparameters fixed in lab.yaml are returned as given, the rest suggested."""

    def __init__(self, trial, fixed):
        self._trial, self.fixed = trial, dict(fixed or {})

    def suggest_float(self, name, *args, **kwargs):
        return self.fixed[name] if name in self.fixed else self._trial.suggest_float(name, *args, **kwargs)

    def suggest_int(self, name, *args, **kwargs):
        return self.fixed[name] if name in self.fixed else self._trial.suggest_int(name, *args, **kwargs)

    def suggest_categorical(self, name, choices):
        return self.fixed[name] if name in self.fixed else self._trial.suggest_categorical(name, choices)


def _logistic_regression_space(trial):
    return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True)}


def _ridge_space(trial):
    return {"alpha": trial.suggest_float("alpha", 1e-3, 1e3, log=True)}


def _random_forest_space(trial):
    return {
        "n_estimators": trial.suggest_int("n_estimators", 50, 300, step=50),
        "max_depth": trial.suggest_int("max_depth", 2, 16),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 10),
        "max_features": trial.suggest_categorical("max_features", ["sqrt", "log2"]),
    }


def _k_nearest_neighbours_space(trial):
    return {
        "n_neighbors": trial.suggest_int("n_neighbors", 1, 30),
        "weights": trial.suggest_categorical("weights", ["uniform", "distance"]),
    }


def _naive_bayes_space(trial):
    return {"var_smoothing": trial.suggest_float("var_smoothing", 1e-12, 1e-2, log=True)}


def _svm_space(trial):
    return {
        "C": trial.suggest_float("C", 1e-2, 1e3, log=True),
        "gamma": trial.suggest_float("gamma", 1e-4, 1.0, log=True),
    }


def _network_space(trial):
    params = {
        "lr": trial.suggest_float("lr", 1e-4, 1e-2, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
    }
    if "hidden" not in trial.fixed:
        depth = trial.suggest_int("n_layers", 1, 3)
        params["hidden"] = [trial.suggest_categorical("width", [16, 32, 64, 128])] * depth
    if "n_letters" in trial.fixed:  # a network over sequence letters: a CNN, whose filters are tuned too
        params["channels"] = trial.suggest_categorical("channels", [8, 16, 32])
        params["kernel_size"] = trial.suggest_categorical("kernel_size", [5, 9, 13])
    return params


# The one declared place for search spaces: family -> function(trial) -> model params.
SEARCH_SPACES = MappingProxyType(
    {
        "logistic_regression": _logistic_regression_space,
        "ridge": _ridge_space,  # regression only (lab.yaml task: regression)
        "random_forest": _random_forest_space,
        "k_nearest_neighbours": _k_nearest_neighbours_space,
        "naive_bayes": _naive_bayes_space,
        "svm": _svm_space,
        NETWORK: _network_space,
    }
)


TUNABLE = (*CLASSICAL, "ridge", NETWORK)


def suggest_params(family, trial, fixed=None):
    """Model params for one trial: the family's search space with `fixed` ones held constant."""
    check_family(family)
    fixed = dict(fixed or {})
    return {**SEARCH_SPACES[family](_Held(trial, fixed)), **fixed}


def hyperparameter_names(family):
    """Names a family accepts as fixed hyperparameters in lab.yaml (its model's parameters)."""
    check_family(family)
    if family == NETWORK:
        return sorted({*network_parameter_names(), "loss"})  # loss: the regression head's (mse | huber)
    if family == "ridge":
        from ..tasks.regression.models import regression_parameter_names

        return regression_parameter_names(family)
    return parameter_names(family)


def check_fixed(fixed, where="lab.yaml: field 'tuning.fixed'"):
    """Refuse fixed hyperparameters for unknown families or with names the model does not have."""
    for family, params in dict(fixed or {}).items():
        if family not in SEARCH_SPACES:
            raise LabError(f"{where} names unknown model family '{family}'; use one of {', '.join(TUNABLE)}.")
        unknown = sorted(set(params or {}) - set(hyperparameter_names(family)))
        if unknown:
            raise LabError(
                f"{where}.{family} names unknown hyperparameter(s) {', '.join(map(repr, unknown))}; "
                f"use one of {', '.join(hyperparameter_names(family))}."
            )


def search_space_signature(family, fixed=None):
    """The search space as data (each suggested name and its range) plus the fixed params.

    Its hash, stored with a study, stops a worker from adding trials drawn from another space.
    """
    with quiet_optuna():
        trial = optuna.create_study().ask()
    suggest_params(family, trial, fixed)
    space = {name: json.loads(optuna.distributions.distribution_to_json(d)) for name, d in trial.distributions.items()}
    return {"family": family, "space": space, "fixed": _jsonable(fixed or {})}


def space_hash(family, fixed=None):
    """sha256 of search_space_signature, in short hex."""
    text = json.dumps(search_space_signature(family, fixed), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_model(family, X, params=None, seed=0, device=None):
    """Unfitted Pipeline for any tunable family, the network included.

    One entry point so baselines and the network are built, and tuned, the same way; `device`
    (lab.yaml's device) places a network, and classical models ignore it.
    """
    if family == NETWORK:
        return make_network(X, params, seed, device=device)
    return make_model(family, X, params, seed)


def check_family(family):
    if family not in SEARCH_SPACES:
        raise LabError(f"no search space for model family '{family}'; choose one of {', '.join(TUNABLE)}.")


def _jsonable(value):
    return json.loads(json.dumps(value, sort_keys=True, default=str))
