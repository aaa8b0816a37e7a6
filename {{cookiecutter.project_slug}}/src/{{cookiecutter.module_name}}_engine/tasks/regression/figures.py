"""Figures of notebooks 06 and 07 that read differently when the target is a number."""

import numpy as np

from ...figures import plots
from ...interpretation.plots import surrogate_tree_figure


def surrogate_figure(surrogate):
    """The surrogate tree drawn box by box; a regression surrogate's title gives its R² to the network."""
    figure = surrogate_tree_figure(surrogate)
    summary = surrogate.summary()
    if summary.get("fidelity_measure") == "r2":
        value = summary["fidelity_tune"]
        shown = "undefined (constant network)" if value is None else f"{value:.2f}"
        figure.axes[0].set_title(f"Readable surrogate of the network (R² to its tune predictions {shown})")
    return figure


def subgroup_error_bars(table, overall, metric="mae"):
    """Mean absolute error per subgroup, one colour per model, each model's overall MAE dashed.

    Bars well above the line show groups the model predicts worse (Tip 10).
    """
    figure = plots.subgroup_bars(table, overall, metric=metric)
    ax = figure.axes[0]
    values = table[metric].dropna().to_numpy(dtype=float)
    top = max([*values, *overall.values()], default=1.0)
    ax.set_ylim(0, 1.1 * top if np.isfinite(top) and top > 0 else 1.0)
    ax.set_ylabel("mean absolute error (target units)")
    ax.set_title("Mean absolute error by subgroup (tune split; lower is better)")
    return figure
