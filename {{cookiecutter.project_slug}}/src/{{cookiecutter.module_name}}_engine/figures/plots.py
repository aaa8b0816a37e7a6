"""Small figures for the notebooks, built without pyplot's global state.

Each helper returns a Figure that shows itself when it is a cell's last expression and
saves with fig.savefig(path); axes and titles are worded for biologists.
"""

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..reports.documents import METRIC_NAMES, family_name

BLUE, ORANGE, GREY, RED = "#4C72B0", "#DD8452", "#8C8C8C", "#C44E52"
_CYCLE = (BLUE, ORANGE, "#55A868", "#8172B3", "#937860", "#DA8BC3")
_LOSS_LABELS = {"train_loss": "training loss", "val_loss": "validation loss (tune split)"}


class LabFigure(Figure):
    """A matplotlib Figure that renders itself as PNG in Jupyter.

    Lets notebooks display figures without importing pyplot or keeping figures open globally.
    """

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def class_balance_bar(counts, floor=None):
    """Bar chart of samples per class, with Tip 1's per-class floor as a dashed line.

    Shows at a glance whether any class is too small to learn from.
    """
    fig, ax = new_figure()
    labels = [str(k) for k in counts]
    ax.bar(labels, list(counts.values()), color=BLUE)
    if floor is not None:
        ax.axhline(floor, color=RED, linestyle="--", label=f"floor of {floor} per class (Tip 1)")
        ax.legend()
    ax.set(xlabel="class", ylabel="number of samples", title="Samples per class")
    return fig


def split_composition(counts):
    """Stacked bars of each class's share in the train, tune and test parts, sizes on top.

    Equal shares across parts show the split is stratified; counts is classes x parts.
    """
    fig, ax = new_figure()
    parts = [str(p) for p in counts.columns]
    totals = counts.sum(axis=0).to_numpy(dtype=float)
    bottom = np.zeros(len(parts))
    for label, row in counts.iterrows():
        share = row.to_numpy(dtype=float) / np.where(totals > 0, totals, 1.0)
        ax.bar(parts, share, bottom=bottom, label=str(label))
        bottom += share
    for x, total in enumerate(totals):
        ax.annotate(f"n={int(total)}", (x, 1.0), ha="center", va="bottom")
    ax.set_ylim(0, 1.12)
    ax.legend(title="class", loc="lower right")
    ax.set(xlabel="part of the split", ylabel="share of samples", title="Class composition of each split")
    return fig


def score_bars(table, score_col, err_col=None, label_col="model", reference=None, title=None, words=None):
    """One bar per model (rows of table, or its index), with optional error bars and reference line.

    Compares models on one score; the reference (e.g. the prior model) marks chance level. Models
    are named in words: `words` (family key -> name) where given, else as panel_name names them.
    """
    fig, ax = new_figure(width=max(5.0, 0.9 * len(table) + 2))
    names = [(words or {}).get(key) or panel_name(key) for key in _labels(table, label_col)]
    errors = table[err_col].to_numpy(dtype=float) if err_col else None
    ax.bar(names, table[score_col].to_numpy(dtype=float), yerr=errors, capsize=4, color=BLUE)
    if reference is not None:
        shown = round(reference, 3) + 0.0  # a mean predictor's R² of -0.0001 reads 0.000, not -0.000
        ax.axhline(reference, color=GREY, linestyle="--", label=f"reference {shown:.3f}")
        ax.legend()
    ax.set(xlabel="model", ylabel=_pretty(score_col), title=title or f"{_pretty(score_col)} by model")
    ax.tick_params(axis="x", labelrotation=30)
    return fig


def loss_curve(history, reference=None, best_epoch=None):
    """Training loss per epoch (and any other *_loss series in history).

    A falling curve shows the network learns; a flat one at the reference (the untrained
    loss, about ln of the number of classes) shows it does not (Tip 3).
    """
    fig, ax = new_figure()
    epochs = [h["epoch"] for h in history]
    for key in _loss_keys(history):
        ax.plot(epochs, [h[key] for h in history], label=_LOSS_LABELS.get(key, key.replace("_", " ")))
    if reference is not None:
        ax.axhline(reference, color=GREY, linestyle="--", label="untrained network")
    if best_epoch is not None:
        ax.axvline(best_epoch, color=RED, linestyle=":", label=f"best epoch ({best_epoch}), weights kept")
    ax.legend()
    ax.set(xlabel="epoch", ylabel="loss (cross-entropy)", title="Training loss by epoch")
    return fig


def train_tune_bars(gaps):
    """Training and tuning score per model (left) and their gap against the threshold (right).

    A large train-over-tune gap is the first sign of overfitting (Tip 7); gaps of a few
    thousandths are invisible on a 0-1 score axis, so they get their own panel.
    """
    names = list(gaps)
    fig = LabFigure(figsize=(max(8.0, 1.6 * len(names) + 3), 4.0), layout="constrained")
    scores, gap_ax = fig.subplots(1, 2, width_ratios=[3, 2])
    x = np.arange(len(names))
    train = np.array([gaps[n]["train"] for n in names], dtype=float)
    tune = np.array([gaps[n]["tune"] for n in names], dtype=float)
    scores.bar(x - 0.2, train, width=0.4, label="training split", color=BLUE)
    scores.bar(x + 0.2, tune, width=0.4, label="tuning split", color=ORANGE)
    _score_axis(scores, np.concatenate([train, tune]))
    labels = [f"{panel_name(n)}\n(overfit)" if gaps[n].get("flagged") else panel_name(n) for n in names]
    scores.set_xticks(x, labels, rotation=30, ha="right")
    for tick, name in zip(scores.get_xticklabels(), names, strict=True):
        if gaps[name].get("flagged"):
            tick.set_color(RED)
    scores.legend(loc="upper left", bbox_to_anchor=(0.0, -0.35), ncols=2, fontsize="small")
    scores.set(xlabel="model", ylabel="score (ROC-AUC)", title="Training versus tuning score")
    colours = [RED if gaps[n].get("flagged") else GREY for n in names]
    gap_ax.barh([panel_name(n) for n in names], [gaps[n]["train"] - gaps[n]["tune"] for n in names], color=colours)
    threshold = next((gaps[n]["threshold"] for n in names if "threshold" in gaps[n]), None)
    if threshold is not None:
        gap_ax.axvline(threshold, color=RED, linestyle="--", label=f"threshold {threshold:g}")
        gap_ax.legend(loc="lower right")
    gap_ax.axvline(0, color="black", linewidth=0.8)
    gap_ax.invert_yaxis()
    gap_ax.set(xlabel="train − tune score", title="Gap (flagged beyond the dashed line)")
    return fig


def optimisation_history(trials_by_family):
    """Best tuning score so far against trial number, one line per model family.

    Every family had the same number of trials, so the lines span the same range (Tips 2, 6);
    pruned network trials (stopped early by the median pruner) are marked with a cross.
    """
    fig, ax = new_figure()
    for family, result in trials_by_family.items():
        trials = result["trials"] if isinstance(result, dict) else result
        pruned = result.get("pruned", []) if isinstance(result, dict) else []
        # a pruned trial spends budget without improving the best: the line carries on flat
        ordered = sorted([*trials, *({**t, "score": -np.inf} for t in pruned)], key=lambda t: t["number"])
        best = np.maximum.accumulate([t["score"] for t in ordered]) if ordered else np.array([])
        shown = np.isfinite(best)
        numbers = np.array([t["number"] + 1 for t in ordered])
        (line,) = ax.plot(numbers[shown] if len(numbers) else [], best[shown], marker="o", label=panel_name(family))
        if pruned:
            ax.scatter([t["number"] + 1 for t in pruned], [t["score"] for t in pruned], marker="x",
                       color=line.get_color(), label=f"{panel_name(family)} (pruned trials)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize="small")
    ax.set(
        xlabel="trial",
        ylabel="best tuning score so far (ROC-AUC)",
        title="Hyperparameter search, equal budget per family",
    )
    return fig


def pca_scatter(coords, labels, groups=None, explained=None):
    """The first two principal components coloured by label and, when set, by group (Tip 4).

    Clusters that follow the group rather than the label reveal batch structure a model could
    learn instead of the biology.
    """
    panels = [("label", labels)] + ([("group", groups)] if groups is not None else [])
    fig = LabFigure(figsize=(5.5 * len(panels), 4.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    names = [f"PC{i + 1}" + (f" ({explained[i]:.0%} of variance)" if explained else "") for i in range(2)]
    for ax, (title, values) in zip(axes, panels, strict=True):
        values = np.asarray(values, dtype=str)
        kinds = sorted(set(values))
        for kind in kinds[:12]:
            mask = values == kind
            ax.scatter(coords[mask, 0], coords[mask, 1], s=12, alpha=0.7, label=kind)
        if len(kinds) > 12:
            mask = ~np.isin(values, kinds[:12])
            ax.scatter(coords[mask, 0], coords[mask, 1], s=12, alpha=0.5, color=GREY, label="other groups")
        ax.legend(title=title, fontsize="small", markerscale=1.5)
        ax.set(xlabel=names[0], ylabel=names[1], title=f"Principal components, coloured by {title}")
    return fig


def homology_similarity(closest, threshold, measure="k-mer similarity"):
    """Each test sequence's highest similarity to any training sequence, in this split and a random one (Tip 7).

    Mass to the right of the dashed threshold is test sequences with a training relative: a
    model can score on them by recall. `closest` maps (split name, part) to those similarities.
    """
    fig, ax = new_figure(width=6.5)
    bins = np.linspace(0.0, 1.0, 41)
    for colour, name, label in ((_CYCLE[0], "this_split", "this split"), (GREY, "random_split", "a random split")):
        values = np.asarray(closest[(name, "test")], dtype=float)
        ax.hist(values, bins=bins, histtype="step", linewidth=2, color=colour,
                label=f"{label} ({int((values >= threshold).sum())} at or above the threshold)")
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1, label=f"related: {measure} ≥ {threshold:g}")
    ax.set(xlabel=f"highest {measure} of a test sequence to any training sequence", ylabel="test sequences",
           title="How close test sequences sit to the training set")
    ax.legend(fontsize="small")
    return fig


def learning_curves(curves):
    """Train (dashed) and tune (solid) score against training-set size, one colour per model.

    A tune curve still climbing at the right edge says more data would help; a persistent gap
    between the two says the model memorises (Tip 7).
    """
    fig, ax = new_figure(width=6.5)
    for colour, (name, rows) in zip(_CYCLE, curves.items(), strict=False):
        sizes = [r["n"] for r in rows]
        ax.plot(sizes, [r["tune"] for r in rows], marker="o", color=colour, label=f"{panel_name(name)} · tune")
        ax.plot(sizes, [r["train"] for r in rows], marker="o", linestyle="--", color=colour,
                label=f"{panel_name(name)} · train")
    _score_axis(ax, [r[k] for rows in curves.values() for r in rows for k in ("tune", "train")])
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set(xlabel="training samples used", ylabel="score (ROC-AUC)", title="Learning curves")
    return fig


def null_distributions(controls):
    """Scores of models refitted on shuffled labels (bars) against the real model's score (red line).

    A real score inside the shuffled-label scores means the model finds no signal beyond
    chance (Chuang & Keiser's control, Tip 7).
    """
    fig = LabFigure(figsize=(5.0 * len(controls), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(controls)))
    for ax, (name, control) in zip(axes, controls.items(), strict=True):
        ax.hist(control["null"], bins=min(20, max(5, len(control["null"]))), color=GREY, label="shuffled labels")
        ax.axvline(control["observed"], color=RED, linewidth=2, label=f"real labels {control['observed']:.3f}")
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(0.0, -0.2))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(xlabel="tune score (ROC-AUC)", ylabel="refits",
               title=f"{panel_name(name)}\np = {control['p_value']:.3g} (smallest possible with "
                     f"{control['n_runs']} refits: {1 / (control['n_runs'] + 1):.3g})")
    return fig


def roc_pr_curves(points):
    """ROC (left) and precision-recall (right) curves per model; the dashed line on the right is the prevalence.

    A PR curve near the prevalence line is a classifier that has learned little, however good its ROC looks.
    """
    fig = LabFigure(figsize=(10.0, 4.2), layout="constrained")
    roc, pr = fig.subplots(1, 2)
    for colour, (name, p) in zip(_CYCLE, points.items(), strict=False):
        roc.plot(p["fpr"], p["tpr"], color=colour, label=panel_name(name))
        pr.plot(p["recall"], p["precision"], color=colour, label=panel_name(name))
    roc.plot([0, 1], [0, 1], color=GREY, linestyle=":", label="chance")
    prevalence = next(iter(points.values()))["prevalence"]
    pr.axhline(prevalence, color=GREY, linestyle="--", label=f"prevalence {prevalence:.2f}")
    averaging = next(iter(points.values()))["averaging"]
    roc.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC on the test split ({averaging})")
    pr.set(xlabel="recall", ylabel="precision", ylim=(0, 1.02), title=f"Precision-recall ({averaging})")
    roc.legend(fontsize="small", loc="lower right")
    pr.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def calibration(points):
    """Observed frequency against predicted probability per model; the diagonal is perfect calibration.

    Each point is one bin of equal sample count where `counts` is given; the panel below shows
    how many test samples each point stands on, so a zig-zag over a few samples reads as such.
    """
    fig = LabFigure(figsize=(6.5, 5.5), layout="constrained")
    curve, below = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    curve.plot([0, 1], [0, 1], color=GREY, linestyle=":", label="perfectly calibrated")
    offsets = np.linspace(-0.006, 0.006, len(points)) if len(points) > 1 else [0.0]
    for colour, offset, (name, p) in zip(_CYCLE, offsets, points.items(), strict=False):
        curve.plot(p["predicted"], p["observed"], marker="o", color=colour, label=panel_name(name))
        if p.get("counts") is not None:
            below.bar(np.asarray(p["predicted"], dtype=float) + offset, p["counts"], width=0.012, color=colour)
    curve.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    curve.set(ylabel="observed frequency", xlim=(-0.02, 1.02), ylim=(0, 1), title="Calibration on the test split")
    below.set(xlabel="predicted probability (each point: a bin of about equal sample count)", ylabel="samples")
    below.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
    return fig


def metric_intervals(panels, prevalence=None):
    """Each metric with its 95% bootstrap interval, one marker per model.

    Overlapping intervals mean the test split cannot tell the models apart on that metric.
    """
    metrics = list(dict.fromkeys(m for panel in panels.values() for m in panel))
    fig, ax = new_figure(width=7.5, height=0.3 * len(metrics) * len(panels) + 1.5)
    offsets = np.linspace(-0.2, 0.2, len(panels)) if len(panels) > 1 else [0.0]
    for colour, offset, (name, panel) in zip(_CYCLE, offsets, panels.items(), strict=False):
        y = [i + offset for i, m in enumerate(metrics) if m in panel]
        values = [panel[m]["value"] for m in metrics if m in panel]
        low = [panel[m]["value"] - panel[m]["low"] for m in metrics if m in panel]
        high = [panel[m]["high"] - panel[m]["value"] for m in metrics if m in panel]
        ax.errorbar(values, y, xerr=[low, high], fmt="o", capsize=3, color=colour, label=panel_name(name))
    if prevalence is not None and "pr_auc" in metrics:
        row = metrics.index("pr_auc")
        ax.vlines(prevalence, row - 0.35, row + 0.35, color=GREY, linestyle="--", label="PR-AUC of chance")
    ax.set_yticks(range(len(metrics)), [_pretty(m) for m in metrics])
    ax.invert_yaxis()
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set(xlabel="value on the test split (95% bootstrap interval)", title="Test metrics (Brier: lower is better)")
    return fig


def subgroup_bars(table, overall, metric="balanced_accuracy"):
    """Metric per subgroup, one colour per model, with each model's overall score as a line.

    Bars well below the line show groups the model serves worse (Tip 10).
    """
    scored = table.dropna(subset=[metric])
    models = list(dict.fromkeys(scored["model"]))
    groups = list(dict.fromkeys(zip(scored["subgroup"], scored["group"], strict=True)))
    fig, ax = new_figure(width=max(6.0, 0.6 * len(groups) * max(1, len(models)) + 2), height=4.5)
    width = 0.8 / max(1, len(models))
    colours = [BLUE, ORANGE, GREY, RED]
    for m, model in enumerate(models):
        rows = scored[scored["model"] == model].set_index(["subgroup", "group"])
        values = [rows[metric].get(key, np.nan) for key in groups]
        x = np.arange(len(groups)) + (m - (len(models) - 1) / 2) * width
        ax.bar(x, values, width=width, color=colours[m % len(colours)], label=panel_name(model))
        if model in overall:
            ax.axhline(overall[model], color=colours[m % len(colours)], linestyle="--", linewidth=1)
    ax.set_xticks(range(len(groups)), [f"{s}\n{g}" for s, g in groups], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.legend(title="model (dashed: all samples)", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set(xlabel="subgroup", ylabel=_pretty(metric), title=f"{_pretty(metric).capitalize()} by subgroup (tune split)")
    return fig


def optimizer_curves(results, reference=None):
    """Training (solid) and validation (dashed) loss per epoch for each optimiser, in one panel.

    Same network, seed, learning rate and epochs: only the optimiser differs, so any gap between
    the curves is the optimiser's doing (Tip 3).
    """
    fig, ax = new_figure()
    for name, result in results.items():
        history = result["history"]
        epochs = [h["epoch"] for h in history]
        (line,) = ax.plot(epochs, [h["train_loss"] for h in history], label=f"{name}: training")
        if history and "val_loss" in history[0]:
            ax.plot(epochs, [h["val_loss"] for h in history], linestyle="--", color=line.get_color(),
                    label=f"{name}: validation (tune split)")
    if reference is not None:
        ax.axhline(reference, color=GREY, linestyle=":", label="untrained network")
    ax.legend(fontsize="small")
    ax.set(xlabel="epoch", ylabel="loss (cross-entropy)", title="Optimisers compared: same network and epochs")
    return fig


def new_figure(width=6.0, height=4.0):
    fig = LabFigure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def _labels(table, label_col):
    if label_col in table.columns:
        return table[label_col].astype(str).tolist()
    return [str(i) for i in table.index]


def _loss_keys(history):
    keys = []
    for record in history:
        keys += [k for k in record if k.endswith("_loss") and k not in keys]
    return keys or ["train_loss"]


def panel_name(key):
    """A model family or 'family · method' panel key in words: 'k_nearest_neighbours' → 'k-nearest neighbours'."""
    family, sep, method = str(key).partition(" · ")
    words = family_name(family).removeprefix("the ")
    return f"{words}{sep}{method}"


def _score_axis(ax, values, span=0.1):
    """A score axis no narrower than `span` and never above 1, so a 0.005 wiggle does not look like a trend."""
    values = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    if not len(values):
        return
    low, high = float(values.min()), float(values.max())
    top = min(1.0, max(high + 0.01, low + span))
    bottom = max(0.0, min(low - 0.01, top - span))
    ax.set_ylim(bottom, top)
    ax.text(0.0, 1.01, f"axis from {bottom:.2f} to {top:.2f}", transform=ax.transAxes, fontsize=7, color=GREY)


def _pretty(name):
    """A metric key in the reports' words, a split prefix in brackets: 'tune_r2' -> 'R² (tune)'."""
    for key in sorted(METRIC_NAMES, key=len, reverse=True):
        if name == key or name.endswith(f"_{key}"):
            prefix = name[: -len(key)].strip("_").replace("_", " ")
            return f"{METRIC_NAMES[key]} ({prefix})" if prefix else METRIC_NAMES[key]
    return name.replace("_", " ")





