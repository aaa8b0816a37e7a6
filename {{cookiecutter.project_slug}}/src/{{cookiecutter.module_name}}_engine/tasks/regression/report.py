"""What the reports say of a regression study: its words, and the sentences that read its numeric target."""

from __future__ import annotations

from ...reports.documents import Table, fmt, label, table
from ...reports.runfacts import RunFacts
from ..views import ReportView

WORDS = "regression: each model predicts a number in the target's units"
FAMILY_WORDS = {"prior": "mean predictor", "svm": "support vector regression", "ridge": "ridge regression"}


def target_summary(facts: RunFacts) -> str | None:
    """'442 samples and 10 input features; a numeric target: mean …, standard deviation …, range …, skewness …'."""
    target = facts.art("00_question").get("target") or facts.assessment.get("target")
    target = target if isinstance(target, dict) else {}
    n = facts.n_samples or target.get("n")
    features = f" and {facts.n_features} input features" if facts.n_features else ""
    shape = [f"{name} {fmt(target[key])}" for key, name in (("mean", "mean"), ("sd", "standard deviation"),
                                                             ("median", "median"), ("skewness", "skewness"))
             if target.get(key) is not None]
    if target.get("min") is not None and target.get("max") is not None:
        shape.append(f"range {fmt(target['min'])} to {fmt(target['max'])}")
    log = f" {target['log_reason']}" if target.get("log_suggested") and target.get("log_reason") else ""
    return (f"{fmt(n)} samples{features}; the target is a number" + (f" ({', '.join(shape)})" if shape else "")
            + f".{log}")


def stratification_words(facts: RunFacts) -> str:
    """How the split was stratified: by class, or on quantile bins of a numeric target (notebook 01's record)."""
    provenance = facts.art("01_data_provenance")
    split = provenance.get("split") if isinstance(provenance.get("split"), dict) else {}
    how = next((h for h in (provenance.get("stratified_on"), facts.split_record.get("stratified_on"),
                            split.get("stratified_on")) if isinstance(h, dict)), {})
    if how.get("kind") == "quantile_bins":
        return f"stratified on {how.get('bins')} quantile bins of the target"
    if how.get("kind") == "none":
        return f"not stratified ({how.get('reason') or 'too few distinct target values'})"
    return "stratified on quantile bins of the target"


def output_sentence(facts: RunFacts) -> str:
    """What the model gives for one sample, and how uncertain a single prediction is (conformal intervals)."""
    words = WORDS
    nominal = next((c.get("nominal") for c in facts.conformal.values() if c.get("nominal") is not None), None)
    band = (f"; a split-conformal prediction interval (nominal {percent(nominal)}) comes with each prediction"
            if nominal is not None else "")
    return f"{words[:1].upper()}{words[1:]}{band}."


def target_sentence(facts: RunFacts) -> str | None:
    """What a model that knows nothing scores: the mean predictor's R² is 0 and its RMSE the target's spread."""
    target = facts.test.get("target") if isinstance(facts.test.get("target"), dict) else {}
    if target.get("mean") is None:
        return None
    sd = f" and standard deviation {fmt(target['sd'])}" if target.get("sd") is not None else ""
    return (f"The test targets have mean {fmt(target['mean'])}{sd}: a model that always predicts the mean scores "
            "R² 0 and an RMSE about that standard deviation, the yardstick for the scores above.")


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
            f"Split-conformal prediction intervals for {name(family)} at a nominal {percent(nominal)}{calibration}: "
            f"they held the observed value for {percent(reached)}{n}{verdict}, with a mean width of "
            f"{fmt(c.get('mean_width'))} in target units."
        )
    return lines


def conformal_table(facts: RunFacts, name=str) -> Table | None:
    """Nominal level, coverage reached on test, and mean width of each finalist's conformal intervals."""
    rows = [[name(family), percent(c.get("nominal")), percent(c.get("coverage")), c.get("mean_width"), c.get("n")]
            for family, c in sorted(facts.conformal.items())]
    return table(["model", "nominal coverage", "coverage on test", "mean interval width", "test samples"], rows)


def shortcut_words(alone: dict) -> tuple[str, float | None]:
    """('ROC-AUC' | 'R²', value) of a metadata-alone result of notebook 06."""
    if alone.get("r2_mean") is not None:
        return "R²", alone["r2_mean"]
    return "ROC-AUC", alone.get("roc_auc_mean")


def percent(value) -> str:
    return "—" if value is None else f"{100 * float(value):.1f}%"


REPORT = ReportView(
    words=WORDS, shuffled="target", split_heading="Samples in each part",
    per_class="samples per quantile bin of the numeric target", same_split="stratified on quantile bins of the target",
    attribution_scale="in units of the standardised target",
    prior_words="the mean predictor always predicts the training mean", family_words=FAMILY_WORDS,
    per_class_test=False, metric_order=REGRESSION_PANEL, baseline_metrics=REGRESSION_PANEL,
    importance_unit=lambda facts: "R²", prevalence=target_sentence,
    target_summary=target_summary, stratification=stratification_words, output=lambda facts: [output_sentence(facts)],
    decision_thresholds=output_sentence,
)
