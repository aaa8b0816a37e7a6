"""Small figures for the notebooks, built without pyplot's global state.

Each helper returns a Figure that shows itself when it is a cell's last expression and
saves with fig.savefig(path); axes and titles are worded for biologists.
"""

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

_BLUE, _ORANGE, _GREY, _RED = "#4C72B0", "#DD8452", "#8C8C8C", "#C44E52"
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
    fig, ax = _new_figure()
    labels = [str(k) for k in counts]
    ax.bar(labels, list(counts.values()), color=_BLUE)
    if floor is not None:
        ax.axhline(floor, color=_RED, linestyle="--", label=f"floor of {floor} per class (Tip 1)")
        ax.legend()
    ax.set(xlabel="class", ylabel="number of samples", title="Samples per class")
    return fig


def split_composition(counts):
    """Stacked bars of each class's share in the train, tune and test parts, sizes on top.

    Equal shares across parts show the split is stratified; counts is classes x parts.
    """
    fig, ax = _new_figure()
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


def score_bars(table, score_col, err_col=None, label_col="model", reference=None, title=None):
    """One bar per model (rows of table, or its index), with optional error bars and reference line.

    Compares models on one score; the reference (e.g. the prior model) marks chance level.
    """
    fig, ax = _new_figure(width=max(5.0, 0.9 * len(table) + 2))
    names = _labels(table, label_col)
    errors = table[err_col].to_numpy(dtype=float) if err_col else None
    ax.bar(names, table[score_col].to_numpy(dtype=float), yerr=errors, capsize=4, color=_BLUE)
    if reference is not None:
        ax.axhline(reference, color=_GREY, linestyle="--", label=f"reference {reference:.3f}")
        ax.legend()
    ax.set(xlabel="model", ylabel=_pretty(score_col), title=title or f"{_pretty(score_col)} by model")
    ax.tick_params(axis="x", labelrotation=30)
    return fig


def loss_curve(history, reference=None, best_epoch=None):
    """Training loss per epoch (and any other *_loss series in history).

    A falling curve shows the network learns; a flat one at the reference (the untrained
    loss, about ln of the number of classes) shows it does not (Tip 3).
    """
    fig, ax = _new_figure()
    epochs = [h["epoch"] for h in history]
    for key in _loss_keys(history):
        ax.plot(epochs, [h[key] for h in history], label=_LOSS_LABELS.get(key, key.replace("_", " ")))
    if reference is not None:
        ax.axhline(reference, color=_GREY, linestyle="--", label="untrained network")
    if best_epoch is not None:
        ax.axvline(best_epoch, color=_RED, linestyle=":", label=f"best epoch ({best_epoch}), weights kept")
    ax.legend()
    ax.set(xlabel="epoch", ylabel="loss (cross-entropy)", title="Training loss by epoch")
    return fig


def importance_bar(table, top=15):
    """Horizontal bars of permutation importance with 95% intervals, most important on top.

    Shows which measured columns the model relies on; reliance is not causation (Tip 9).
    """
    rows = table.head(top).iloc[::-1]
    fig, ax = _new_figure(height=max(3.0, 0.35 * len(rows) + 1.5))
    mean = rows["importance_mean"].to_numpy(dtype=float)
    half = (rows["ci_high"] - rows["importance_mean"]).to_numpy(dtype=float)
    ax.barh(rows["feature"].astype(str).tolist(), mean, xerr=half, capsize=3, color=_BLUE)
    ax.axvline(0, color=_GREY, linewidth=1)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.set(
        xlabel="drop in ROC-AUC when the column is shuffled",
        ylabel="feature",
        title=f"Permutation importance (top {len(rows)})",
    )
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
    scores.bar(x - 0.2, train, width=0.4, label="training split", color=_BLUE)
    scores.bar(x + 0.2, tune, width=0.4, label="tuning split", color=_ORANGE)
    low = float(np.nanmin(np.concatenate([train, tune])))
    scores.set_ylim(max(0.0, low - 0.1 * (1 - low) - 0.02), 1.0)
    labels = [f"{n}\n(overfit)" if gaps[n].get("flagged") else n for n in names]
    scores.set_xticks(x, labels, rotation=30, ha="right")
    for tick, name in zip(scores.get_xticklabels(), names, strict=True):
        if gaps[name].get("flagged"):
            tick.set_color(_RED)
    scores.legend(loc="lower left")
    scores.set(xlabel="model", ylabel="score (ROC-AUC)", title="Training versus tuning score")
    colours = [_RED if gaps[n].get("flagged") else _GREY for n in names]
    gap_ax.barh(names, [gaps[n]["train"] - gaps[n]["tune"] for n in names], color=colours)
    threshold = next((gaps[n]["threshold"] for n in names if "threshold" in gaps[n]), None)
    if threshold is not None:
        gap_ax.axvline(threshold, color=_RED, linestyle="--", label=f"threshold {threshold:g}")
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
    fig, ax = _new_figure()
    for family, result in trials_by_family.items():
        trials = result["trials"] if isinstance(result, dict) else result
        pruned = result.get("pruned", []) if isinstance(result, dict) else []
        # a pruned trial spends budget without improving the best: the line carries on flat
        ordered = sorted([*trials, *({**t, "score": -np.inf} for t in pruned)], key=lambda t: t["number"])
        best = np.maximum.accumulate([t["score"] for t in ordered]) if ordered else np.array([])
        shown = np.isfinite(best)
        numbers = np.array([t["number"] + 1 for t in ordered])
        (line,) = ax.plot(numbers[shown] if len(numbers) else [], best[shown], marker="o", label=family)
        if pruned:
            ax.scatter([t["number"] + 1 for t in pruned], [t["score"] for t in pruned], marker="x",
                       color=line.get_color(), label=f"{family} (pruned trials)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize="small")
    ax.set(
        xlabel="trial",
        ylabel="best tuning score so far (ROC-AUC)",
        title="Hyperparameter search, equal budget per family",
    )
    return fig


def optimizer_curves(results, reference=None):
    """Training (solid) and validation (dashed) loss per epoch for each optimiser, in one panel.

    Same network, seed, learning rate and epochs: only the optimiser differs, so any gap between
    the curves is the optimiser's doing (Tip 3).
    """
    fig, ax = _new_figure()
    for name, result in results.items():
        history = result["history"]
        epochs = [h["epoch"] for h in history]
        (line,) = ax.plot(epochs, [h["train_loss"] for h in history], label=f"{name}: training")
        if history and "val_loss" in history[0]:
            ax.plot(epochs, [h["val_loss"] for h in history], linestyle="--", color=line.get_color(),
                    label=f"{name}: validation (tune split)")
    if reference is not None:
        ax.axhline(reference, color=_GREY, linestyle=":", label="untrained network")
    ax.legend(fontsize="small")
    ax.set(xlabel="epoch", ylabel="loss (cross-entropy)", title="Optimisers compared: same network and epochs")
    return fig


def _new_figure(width=6.0, height=4.0):
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


def _pretty(name):
    for key, pretty in {"roc_auc": "ROC-AUC", "pr_auc": "PR-AUC", "mcc": "MCC"}.items():
        if name.endswith(key):
            prefix = name[: -len(key)].strip("_").replace("_", " ")
            return f"{pretty} ({prefix})" if prefix else pretty
    return name.replace("_", " ")
