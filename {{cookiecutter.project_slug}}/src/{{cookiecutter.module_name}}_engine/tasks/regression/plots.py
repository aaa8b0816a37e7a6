"""Figures of a regression study: the target's distribution, predicted against observed, residuals.

Built like plots.py (no pyplot state); each returns a LabFigure.
"""

import numpy as np

from ...figures import plots
from ...figures.plots import LabFigure, panel_name
from .report import FAMILY_WORDS as REGRESSION_FAMILY_WORDS

_BLUE, _ORANGE, _GREY, _RED = "#4C72B0", "#DD8452", "#8C8C8C", "#C44E52"
_CYCLE = (_BLUE, _ORANGE, "#55A868", "#8172B3")


def target_histogram(y, profile, name="target"):
    """Histogram of the target (left) and of log(target) when a log scale is suggested (right)."""
    y = np.asarray(y, dtype=float)
    panels = 2 if profile.get("log_suggested") else 1
    fig = LabFigure(figsize=(5.5 * panels, 4.0), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, panels))
    axes[0].hist(y, bins=30, color=_BLUE)
    axes[0].axvline(profile["median"], color=_RED, linestyle="--", label=f"median {profile['median']:g}")
    axes[0].legend()
    axes[0].set(xlabel=name, ylabel="number of samples",
                title=f"Distribution of {name} (skewness {profile['skewness']:.2f})")
    if panels == 2:
        logged = np.log1p(y) if profile["log_transform"] == "log1p" else np.log(y)
        axes[1].hist(logged, bins=30, color=_ORANGE)
        axes[1].set(xlabel=f"{profile['log_transform']}({name})", ylabel="number of samples",
                    title="On the suggested log scale")
    return fig


def predicted_vs_observed(observed, predictions, name="target"):
    """Predicted against observed target per model, with the identity line: points on it are exact."""
    observed = np.asarray(observed, dtype=float)
    fig = LabFigure(figsize=(5.0 * len(predictions), 4.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(predictions)))
    low, high = float(observed.min()), float(observed.max())
    for ax, (family, values), colour in zip(axes, predictions.items(), _CYCLE, strict=False):
        predicted = np.asarray(values, dtype=float)
        low, high = min(low, float(predicted.min())), max(high, float(predicted.max()))
        ax.scatter(observed, predicted, s=12, alpha=0.7, color=colour)
        ax.set(xlabel=f"observed {name}", ylabel=f"predicted {name}", title=f"{_words(family)} (test split)")
    for ax in axes:
        ax.plot([low, high], [low, high], color=_GREY, linestyle="--", label="prediction = observation")
        ax.legend(loc="upper left")
    return fig


def residual_plot(observed, predictions, name="target"):
    """Residuals (observed − predicted) against predicted per model: a funnel or a curve means misfit."""
    observed = np.asarray(observed, dtype=float)
    fig = LabFigure(figsize=(5.0 * len(predictions), 4.0), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(predictions)))
    for ax, (family, predicted), colour in zip(axes, predictions.items(), _CYCLE, strict=False):
        predicted = np.asarray(predicted, dtype=float)
        ax.scatter(predicted, observed - predicted, s=12, alpha=0.7, color=colour)
        ax.axhline(0, color=_GREY, linestyle="--")
        ax.set(xlabel=f"predicted {name}", ylabel="residual (observed − predicted)",
               title=f"{_words(family)}: residuals (test split)")
    return fig


def interval_metrics(panels):
    """Each panel metric with its 95% bootstrap interval, one row of dots per model (R², RMSE, MAE, r, ρ)."""
    metrics = list(next(iter(panels.values())))
    fig = LabFigure(figsize=(3.0 * len(metrics), 3.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(metrics)))
    for ax, metric in zip(axes, metrics, strict=True):
        for row, panel in enumerate(panels.values()):
            v = panel[metric]
            ax.errorbar([v["value"]], [row], xerr=[[v["value"] - v["low"]], [v["high"] - v["value"]]], fmt="o",
                        color=_CYCLE[row % len(_CYCLE)], capsize=4)
        ax.set_yticks(range(len(panels)), [_words(f) for f in panels])
        ax.set(title=metric.upper() if metric in ("rmse", "mae") else metric.capitalize().replace("R2", "R²"))
    fig.suptitle("Test-split metrics with 95% bootstrap intervals")
    return fig


def _words(family):
    """A family as a regression study names it: 'ridge' -> 'ridge regression', 'svm' -> 'support vector regression'."""
    return REGRESSION_FAMILY_WORDS.get(str(family)) or panel_name(family)


def surrogate_figure(surrogate):
    """The regression surrogate tree drawn box by box, its title giving its R² to the network's predictions."""
    from ...interpretation.plots import surrogate_tree_figure

    figure = surrogate_tree_figure(surrogate)
    value = surrogate.summary()["fidelity_tune"]
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
