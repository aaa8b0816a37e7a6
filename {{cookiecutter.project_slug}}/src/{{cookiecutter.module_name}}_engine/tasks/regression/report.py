"""What the reports say of a regression study: its words, and the sentences that read its numeric target."""

from __future__ import annotations

from ...reports.documents import fmt
from ...reports.runfacts import RunFacts
from ..views import ReportView
from .findings import REGRESSION_PANEL as PANEL
from .findings import _percent

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
    band = (f"; a split-conformal prediction interval (nominal {_percent(nominal)}) comes with each prediction"
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


REPORT = ReportView(
    words=WORDS, shuffled="target", split_heading="Samples in each part",
    per_class="samples per quantile bin of the numeric target", same_split="stratified on quantile bins of the target",
    attribution_scale="in units of the standardised target",
    prior_words="the mean predictor always predicts the training mean", family_words=FAMILY_WORDS,
    per_class_test=False, metric_order=PANEL, baseline_metrics=PANEL, importance_unit=lambda facts: "R²",
    prevalence=target_sentence,
    target_summary=target_summary, stratification=stratification_words, output=lambda facts: [output_sentence(facts)],
    decision_thresholds=output_sentence,
)
