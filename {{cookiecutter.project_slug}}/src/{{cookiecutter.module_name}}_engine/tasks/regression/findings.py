"""What a study that predicts a number found, in sentences built from the run's numbers.

The regression counterparts of findings.py: the paired comparison over the whole metric panel,
the split-conformal prediction intervals and the coverage they reached on test, and what a
model that always predicts the training mean would score. Every function reads RunFacts only.
"""

from __future__ import annotations

from ...reports.documents import Table, fmt, label, table
from ...reports.runfacts import RunFacts

LOWER_IS_BETTER = ("rmse", "mae")
REGRESSION_PANEL = ("r2", "rmse", "mae", "pearson", "spearman")  # the order a reader expects, primary first


def better_sign(metric: str) -> int:
    """+1 when a larger value of the metric is better, −1 for errors (RMSE, MAE)."""
    return -1 if str(metric) in LOWER_IS_BETTER else 1


def headline_metric(p: dict, score_name: str) -> str:
    """The metric a regression comparison leads with: the run's primary one when recorded, else R²."""
    metrics = p.get("metrics") or {}
    return score_name if score_name in metrics else "r2" if "r2" in metrics else next(iter(metrics), score_name)


def regression_paired_text(p: dict, score_name: str = "r2", name=str) -> str | None:
    """Notebook 05's paired bootstrap over the regression panel in a sentence: the primary metric's
    difference (network − baseline) with its interval, and who was better where the interval excludes 0."""
    metrics = {k: v for k, v in (p.get("metrics") or {}).items() if isinstance(v, dict)}
    if not metrics:
        return None
    a, b = name(p.get("model_a")), name(p.get("model_b"))
    lead = headline_metric(p, score_name)
    d = metrics[lead]
    span = f"{d['difference']:+.3f}" + (f" [95% paired bootstrap interval {d['low']:+.3f} to {d['high']:+.3f}]"
                                        if d.get("low") is not None and d.get("high") is not None else "")
    if d.get("excludes_zero"):
        a_better = d["difference"] * better_sign(lead) > 0
        winner, loser = (a, b) if a_better else (b, a)
        head = (f"On the test split {winner} beat {loser} in {label(lead)}: difference ({a} − {b}) {span}, an "
                "interval that excludes zero")
    else:
        head = (f"On the test split {a} and {b} did not differ demonstrably in {label(lead)}: difference "
                f"({a} − {b}) {span}, an interval that includes zero")
    others = [f"{label(m)} {v['difference']:+.3f} ({'excludes' if v.get('excludes_zero') else 'includes'} zero)"
              for m, v in metrics.items() if m != lead and v.get("difference") is not None]
    return head + (f"; other differences: {', '.join(others)}." if others else ".")


def network_wins(p: dict, score_name: str) -> bool | None:
    """True / False when the paired interval of the lead metric shows the network better / worse; None if unclear."""
    metrics = p.get("metrics") or {}
    lead = headline_metric(p, score_name)
    d = metrics.get(lead) or {}
    if not d.get("excludes_zero") or d.get("difference") is None:
        return None
    a_better = d["difference"] * better_sign(lead) > 0
    return a_better if p.get("model_a") == "network" else not a_better


def conformal_lines(facts: RunFacts, name=str) -> list[str]:
    """Each finalist's split-conformal prediction intervals: nominal level, coverage reached on test, width."""
    lines = []
    for family, c in sorted(facts.conformal.items()):
        if c.get("coverage") is None:
            continue
        nominal = c.get("nominal")
        reached = c["coverage"]
        verdict = ("" if nominal is None else
                   " (at or above the nominal level)" if reached >= nominal else " (BELOW the nominal level)")
        calibration = f", calibrated on {c['n_calibration']} tune residuals" if c.get("n_calibration") else ""
        n = f" of the {c['n']} test samples" if c.get("n") else " of the test samples"
        lines.append(
            f"Split-conformal prediction intervals for {name(family)} at a nominal {_percent(nominal)}{calibration}: "
            f"they held the observed value for {_percent(reached)}{n}{verdict}, with a mean width of "
            f"{fmt(c.get('mean_width'))} in target units."
        )
    return lines


def conformal_table(facts: RunFacts, name=str) -> Table | None:
    """Nominal level, coverage reached on test, and mean width of each finalist's conformal intervals."""
    rows = [[name(family), _percent(c.get("nominal")), _percent(c.get("coverage")), c.get("mean_width"), c.get("n")]
            for family, c in sorted(facts.conformal.items())]
    return table(["model", "nominal coverage", "coverage on test", "mean interval width", "test samples"], rows)


def shortcut_words(alone: dict) -> tuple[str, float | None]:
    """('ROC-AUC' | 'R²', value) of a metadata-alone result of notebook 06."""
    if alone.get("r2_mean") is not None:
        return "R²", alone["r2_mean"]
    return "ROC-AUC", alone.get("roc_auc_mean")


def _percent(value) -> str:
    return "—" if value is None else f"{100 * float(value):.1f}%"
