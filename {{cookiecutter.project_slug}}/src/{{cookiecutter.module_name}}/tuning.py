"""Equal-budget hyperparameter search for every model family (Tips 2, 6).

Each family gets the same number of Optuna trials, the same seeded sampler and the same tune
split, so a network is never compared against baselines left at their defaults.
"""

import contextlib
from types import MappingProxyType

import optuna
import pandas as pd

from .baselines import CLASSICAL, make_model
from .errors import LabError
from .evaluate import score_model
from .nets import make_network

NETWORK = "network"


def _logistic_regression_space(trial):
    return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True)}


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
    depth = trial.suggest_int("n_layers", 1, 3)
    width = trial.suggest_categorical("width", [16, 32, 64, 128])
    return {
        "hidden": [width] * depth,
        "lr": trial.suggest_float("lr", 1e-4, 1e-2, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
    }


# The one declared place for search spaces: family -> function(trial) -> model params.
SEARCH_SPACES = MappingProxyType(
    {
        "logistic_regression": _logistic_regression_space,
        "random_forest": _random_forest_space,
        "k_nearest_neighbours": _k_nearest_neighbours_space,
        "naive_bayes": _naive_bayes_space,
        "svm": _svm_space,
        NETWORK: _network_space,
    }
)
TUNABLE = (*CLASSICAL, NETWORK)


def build_model(family, X, params=None, seed=0):
    """Unfitted Pipeline for any tunable family, the network included.

    One entry point so baselines and the network are built, and tuned, the same way.
    """
    if family == NETWORK:
        return make_network(X, params, seed)
    return make_model(family, X, params, seed)


def tune_family(
    family,
    X_train,
    y_train,
    X_tune,
    y_tune,
    n_trials,
    seed,
    storage=None,
    study_name=None,
    fixed=None,
):
    """Search one family's space with a seeded TPE sampler, maximising the tune-split score.

    `fixed` params (e.g. epochs) are merged into every trial; returns the best params and
    every trial so the report can show the search, not only its winner.
    """
    if family not in SEARCH_SPACES:
        raise LabError(f"no search space for model family '{family}'; choose one of {', '.join(TUNABLE)}.")
    if int(n_trials) < 1:
        raise LabError(
            "the tuning budget must be at least 1 trial, "
            f"not {n_trials}; correct n_trials in lab.yaml."
        )
    space, fixed = SEARCH_SPACES[family], dict(fixed or {})

    def objective(trial):
        params = {**space(trial), **fixed}
        trial.set_user_attr("params", params)
        model = build_model(family, X_train, params, seed).fit(X_train, y_train)
        return score_model(model, X_tune, y_tune)

    with _quiet_optuna():
        study = optuna.create_study(
            direction="maximize",
            sampler=optuna.samplers.TPESampler(seed=int(seed)),
            storage=storage,
            study_name=study_name,
            load_if_exists=storage is not None,
        )
        study.optimize(objective, n_trials=int(n_trials))
    return _study_result(family, study)


def tune_all(
    families,
    X_train,
    y_train,
    X_tune,
    y_tune,
    n_trials,
    seed,
    storage=None,
    fixed=None,
):
    """Tune every family with the same number of trials, seed and splits.

    `fixed` maps a family to params held constant (e.g. {"network": {"epochs": 60}}); families
    not tuned are ignored. With a storage URL each family is its own study, named after it.
    """
    fixed = dict(fixed or {})
    unknown = sorted(set(fixed) - set(SEARCH_SPACES))
    if unknown:
        raise LabError(
            f"fixed params name unknown families {', '.join(unknown)}; use one of "
            f"{', '.join(TUNABLE)}."
        )
    return {
        family: tune_family(
            family,
            X_train,
            y_train,
            X_tune,
            y_tune,
            n_trials,
            seed,
            storage=storage,
            study_name=family if storage is not None else None,
            fixed=fixed.get(family),
        )
        for family in families
    }


def best_family(results):
    """Family with the highest best tune score; ties go to the simpler, earlier-listed family.

    Tip 2: a network must beat the classical models outright, not merely match them.
    """
    if not results:
        raise LabError("there are no tuning results to choose from; run notebook 04 first.")
    order = {family: rank for rank, family in enumerate(TUNABLE)}
    return max(results, key=lambda f: (results[f]["best_score"], -order.get(f, len(order))))


def tuning_table(results):
    """One row per family: trials spent and best tune score, best first.

    Puts the equal budget in plain view next to the scores it bought (Tip 2).
    """
    rows = [
        {"family": r["family"], "n_trials": r["n_trials"], "best_score": r["best_score"]}
        for r in results.values()
    ]
    table = pd.DataFrame(rows, columns=["family", "n_trials", "best_score"])
    ordered = table.sort_values(["best_score", "family"], ascending=[False, True], kind="mergesort")
    return ordered.reset_index(drop=True)


def _study_result(family, study):
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    trials = [{"number": t.number, "params": t.user_attrs["params"], "score": t.value} for t in complete]
    best = study.best_trial
    return {
        "family": family,
        "best_params": best.user_attrs["params"],
        "best_score": best.value,
        "n_trials": len(trials),
        "trials": trials,
    }


@contextlib.contextmanager
def _quiet_optuna():
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)
