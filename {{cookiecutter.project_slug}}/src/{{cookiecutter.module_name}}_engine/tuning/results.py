"""What a finished search says: each family's best parameters and score, the spread of its trials, the winner.
"""

import os

import numpy as np
import pandas as pd

from ..common.errors import LabError
from ..common.lazy_imports import optuna
from .spaces import TUNABLE


def study_result(family, study, n_trials=None):
    """Best params and score, the spread of the scores, and every finished trial of a study.

    Pruned network trials count towards the budget (`n_trials`) and are listed under `pruned`;
    `trials` holds the completed ones, whose scores the spread describes.
    """
    finished = sorted(finished_trials(study), key=lambda t: t.number)[: n_trials or None]
    complete = [t for t in finished if t.state == optuna.trial.TrialState.COMPLETE]
    if not complete:
        raise LabError(
            f"every tuning trial of '{family}' was pruned or failed; raise the budget in lab.yaml's profiles."
        )
    trials = [_trial_record(t) for t in complete]
    best = max(complete, key=lambda t: (t.value, -t.number))
    return {
        "family": family,
        "best_params": best.user_attrs["params"],
        "best_score": best.value,
        "best_trial": best.number,
        "n_trials": len(finished),
        "n_complete": len(complete),
        "n_pruned": len(finished) - len(complete),
        "spread": score_spread([t.value for t in complete]),
        "trials": trials,
        "pruned": [_trial_record(t) for t in finished if t.state == optuna.trial.TrialState.PRUNED],
    }


def score_spread(scores, top=3):
    """How much the tune score moved across trials: std and quartiles of all, mean and std of the top ones.

    A best score that sits within the spread of the others is not a clear win.
    """
    values = np.sort(np.asarray(scores, dtype=float))[::-1]
    best = values[: min(top, len(values))]
    return {
        "std": float(np.std(values)),
        "q1": float(np.quantile(values, 0.25)),
        "median": float(np.median(values)),
        "q3": float(np.quantile(values, 0.75)),
        "top_k": len(best),
        "top_k_mean": float(np.mean(best)),
        "top_k_std": float(np.std(best)),
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
    """One row per family: trials spent, best tune score and its spread, best first.

    Puts the equal budget in plain view next to the scores it bought (Tip 2).
    """
    rows = []
    for r in results.values():
        spread = r.get("spread", {})
        rows.append({
            "family": r["family"], "n_trials": r["n_trials"], "n_pruned": r.get("n_pruned", 0),
            "best_score": r["best_score"], "top_k_std": spread.get("top_k_std"), "score_std": spread.get("std"),
        })
    table = pd.DataFrame(rows, columns=["family", "n_trials", "n_pruned", "best_score", "top_k_std", "score_std"])
    ordered = table.sort_values(["best_score", "family"], ascending=[False, True], kind="mergesort")
    return ordered.reset_index(drop=True)


def timings_record(outcome):
    """Wall times of a tuning call and the processes used: for a file outside artifacts/ (they vary)."""
    return {
        "workers": outcome.workers,
        "cpu_count": os.cpu_count(),
        "seconds_per_family": outcome.seconds,
        "seconds_sum": sum(outcome.seconds.values()),
    }


def finished_trials(study):
    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    return study.get_trials(deepcopy=False, states=states)


def _trial_record(trial):
    record = {"number": trial.number, "params": trial.user_attrs.get("params", trial.params), "score": trial.value}
    for key in ("max_epochs", "stopped_epoch", "device"):
        if key in trial.user_attrs:
            record[key] = trial.user_attrs[key]
    return record
