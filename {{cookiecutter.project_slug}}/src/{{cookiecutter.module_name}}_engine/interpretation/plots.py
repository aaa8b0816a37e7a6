"""Figures of notebook 06: importance by model and method, their agreement, the surrogate tree, motifs (Tip 9).

Built like every other figure (plots.py: no pyplot state, worded for biologists).
"""

import re

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..figures.plots import BLUE, GREY, ORANGE, RED, LabFigure, new_figure, panel_name


def importance_bar(table, top=15):
    """Horizontal bars of permutation importance with 95% intervals, most important on top.

    Shows which measured columns the model relies on; reliance is not causation (Tip 9).
    """
    rows = table.head(top).iloc[::-1]
    fig, ax = new_figure(height=max(3.0, 0.35 * len(rows) + 1.5))
    mean = rows["importance_mean"].to_numpy(dtype=float)
    half = (rows["ci_high"] - rows["importance_mean"]).to_numpy(dtype=float)
    ax.barh(rows["feature"].astype(str).tolist(), mean, xerr=half, capsize=3, color=BLUE)
    ax.axvline(0, color=GREY, linewidth=1)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.set(
        xlabel="drop in ROC-AUC when the column is shuffled",
        ylabel="feature",
        title=f"Permutation importance (top {len(rows)})",
    )
    return fig


def importance_comparison(tables, top=15):
    """One panel per importance table (model × method), features in the first table's order.

    Units differ between methods, so each panel has its own axis; read the order, not the size.
    """
    names = list(tables)
    order = tables[names[0]]["feature"].head(top).tolist()[::-1]
    fig = LabFigure(figsize=(3.2 * len(names) + 1.5, max(3.0, 0.3 * len(order) + 1.5)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(names), sharey=True))
    for ax, name in zip(axes, names, strict=True):
        rows = tables[name].set_index("feature").reindex(order)
        mean = rows["importance_mean"].to_numpy(dtype=float)
        half = (rows["ci_high"] - rows["importance_mean"]).to_numpy(dtype=float)
        ax.barh(order, mean, xerr=half, capsize=2, color=BLUE if "gradient" not in name else ORANGE)
        ax.axvline(0, color=GREY, linewidth=1)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.set_title(panel_name(name), fontsize=9)
        ax.set_xlabel("drop in ROC-AUC when shuffled" if "permutation" in name else "attribution (logit units)",
                      fontsize=8)
    axes[0].set_ylabel("feature")
    fig.suptitle(f"Importance by model and method (top {len(order)} of the first panel)")
    return fig


def agreement_and_stability(matrix, stability, floor):
    """Rank correlation between methods and models (left) and between seeds (right), floor dashed.

    Low agreement or unstable rankings mean the importances describe one fit, not the data (Tip 9).
    """
    fig = LabFigure(figsize=(10.0, 4.2), layout="constrained")
    heat, seeds = fig.subplots(1, 2, width_ratios=[3, 2])
    values = matrix.to_numpy(dtype=float)
    image = heat.imshow(values, vmin=-1, vmax=1, cmap="RdBu")
    labels = [panel_name(name).replace(" · ", "\n") for name in matrix.index]
    heat.set_xticks(range(len(labels)), labels, fontsize=8)
    heat.set_yticks(range(len(labels)), labels, fontsize=8)
    for (i, j), value in np.ndenumerate(values):
        heat.annotate(f"{value:.2f}", (j, i), ha="center", va="center", fontsize=9)
    fig.colorbar(image, ax=heat, label="Spearman rank correlation")
    heat.set_title("Agreement between methods and models")
    methods = list(stability)
    for x, method in enumerate(methods):
        rhos = [pair["spearman"] for pair in stability[method]["pairs"]]
        seeds.scatter(np.full(len(rhos), x), rhos, color=BLUE, alpha=0.7)
    seeds.axhline(floor, color=RED, linestyle="--", label=f"caution below {floor:g}")
    seeds.set_xticks(range(len(methods)), methods, fontsize=8)
    seeds.set_xlim(-0.5, len(methods) - 0.5)
    seeds.set_ylim(min(-0.05, floor - 0.1), 1.05)
    seeds.legend(loc="lower left")
    seeds.set(ylabel="Spearman between two seeds", title="Network rankings across seeds")
    return fig


def surrogate_tree_figure(surrogate):
    """The surrogate decision tree drawn box by box, for a depth a person can read."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from sklearn.tree import plot_tree

    tree, shape = surrogate.pipeline[-1], surrogate.summary()  # the shape as pruned, not as first grown
    # Sized so that, shown at the report's width (about 7 inches), the text stays near 9 points:
    # words such as 'samples' and 'value' are written once, at the root, and numbers keep 2 decimals.
    fig = LabFigure(figsize=(max(7.0, 1.2 * shape["leaves"]), 1.2 * shape["depth"] + 1.4),
                    layout="constrained")
    FigureCanvasAgg(fig)  # plot_tree measures its text boxes, which needs a real canvas
    ax = fig.add_subplot()
    boxes = plot_tree(
        tree, feature_names=surrogate.feature_names, class_names=surrogate.class_names, label="root",
        filled=True, impurity=False, proportion=True, rounded=True, precision=2, fontsize=9, ax=ax,
    )  # fmt: skip
    for box in boxes:  # a split at an infinite threshold separates missing values from the rest
        box.set_text(re.sub(r"(\S+) <= inf", r"\1 is present (else missing)", box.get_text()))
    ax.set_title(f"Readable surrogate of the network (agrees on {surrogate.fidelity_tune:.0%} of tune samples)")
    return fig


def motif_comparison(recovered_pwm, planted_pwm, letters, correlation=None):
    """The planted motif (left) and the one recovered from the network's attributions (right), as heatmaps.

    Each cell is how often a letter occurs at a motif position; matching dark cells mean the
    network's attributions point at the motif that is really there (Tip 8). `correlation` is
    motif_correlation's result (or a number); with no planted motif only the recovered one is drawn.
    """
    panels = ([("Planted motif", planted_pwm)] if planted_pwm is not None else []) + [
        ("Recovered from attributions", recovered_pwm)
    ]
    widths = [len(np.asarray(pwm)) for _, pwm in panels]
    fig = LabFigure(figsize=(0.45 * sum(widths) + 2.5 * len(panels), 0.35 * len(letters) + 2.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels), width_ratios=widths))
    for ax, (title, pwm) in zip(axes, panels, strict=True):
        values = np.asarray(pwm, dtype=float).T  # letters x positions
        image = ax.imshow(values, vmin=0, vmax=1, cmap="Blues", aspect="auto")
        for (row, column), value in np.ndenumerate(values):
            if value >= 0.5:
                ax.annotate(letters[row], (column, row), ha="center", va="center", color="white", fontweight="bold")
        ax.set_yticks(range(len(letters)), list(letters))
        ax.set_xticks(range(values.shape[1]), [str(i + 1) for i in range(values.shape[1])], fontsize=8)
        ax.set(xlabel="motif position", title=title)
    axes[0].set_ylabel("letter")
    fig.colorbar(image, ax=list(axes), label="letter frequency", shrink=0.9)
    if isinstance(correlation, dict):
        shift = correlation.get("shift", 0)
        moved = f", recovered shifted by {shift:+d}" if shift else ""
        fig.suptitle(f"Motif recovery: Pearson correlation {correlation['pearson']:.2f}{moved}")
    elif correlation is not None:
        fig.suptitle(f"Motif recovery: Pearson correlation {float(correlation):.2f}")
    return fig


def position_attribution(profile, example=None):
    """Mean attribution per sequence position (summed over letters), with one sequence's own profile if given.

    A peak marks where the network looks; a flat line with a single sequence's peaks scattered
    along it is what a motif that can sit anywhere looks like once averaged.
    """
    fig, ax = new_figure(width=7.0, height=3.6)
    positions = np.arange(1, len(profile) + 1)
    if example is not None:
        ax.plot(positions, np.asarray(example, dtype=float), color=GREY, linewidth=1, label="one sequence")
    ax.plot(positions, np.asarray(profile, dtype=float), color=BLUE, linewidth=2, label="mean over sequences")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.legend(fontsize="small", loc="upper right")
    ax.set(xlabel="position in the sequence", ylabel="attribution (summed over letters)",
           title="Where the network looks: attribution along the sequence")
    return fig
