"""What notebook 06 asks of a table's models: permutation importance of both finalists, integrated gradients."""

from __future__ import annotations

from ...common.names import NETWORK
from ...common.sections import Section
from ...evaluation.scale import Progress
from ...interpretation.importance import integrated_gradients_table, permutation_importance_table

IG_BASELINE = "training mean of the preprocessed inputs (zero for standardised columns)"
IG_SUMMARY = "mean absolute attribution per original column over tune samples"


def table_importance(models, baseline, X_train, X_tune, y_tune, repeats, seed, view) -> Section:
    """Each finalist's permutation importance over the original columns, and the network's integrated gradients."""
    steps = Progress(3, "06 importance tables")  # progress here and in the run's terminal log
    tables = {}
    for family in (NETWORK, baseline):
        steps.begin(f"{family} · permutation")
        tables[f"{family} · permutation"] = permutation_importance_table(models[family], X_tune, y_tune, repeats,
                                                                         seed, scoring=view.scoring)
    steps.begin(f"{NETWORK} · integrated gradients")
    gradients, convergence = integrated_gradients_table(models[NETWORK], X_tune, X_train)
    steps.close()
    return Section(values={"tables": tables, "gradients": gradients, "convergence": convergence,
                           "ig_baseline": IG_BASELINE, "ig_summary": IG_SUMMARY})


def table_seed_importance(network, X_train, X_tune, y_tune, repeats, seed, view) -> dict:
    """One refitted network's permutation importance and integrated gradients."""
    return {"permutation": permutation_importance_table(network, X_tune, y_tune, repeats, seed, scoring=view.scoring),
            "integrated gradients": integrated_gradients_table(network, X_tune, X_train)[0]}
