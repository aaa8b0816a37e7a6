"""What the reports say of a classification study: its words, and the sentences that read its classes."""

from __future__ import annotations

from ...reports.documents import fmt, label
from ..views import ReportView


def _importance_unit(facts) -> str:
    return label(facts.score_name)


def _prevalence(facts) -> str | None:
    """What PR-AUC is read against: the positive share for two classes, every class's share for more."""
    shares = facts.test.get("class_prevalence")
    if isinstance(shares, dict) and len(shares) > 2:
        listed = ", ".join(f"{name} {fmt(share)}" for name, share in shares.items())
        return (f"Class shares in the test split: {listed}. With {len(shares)} classes PR-AUC is micro-averaged "
                f"over one-vs-rest labels, so a model that knows nothing scores {fmt(1 / len(shares))}.")
    if facts.test.get("prevalence") is not None:
        return (f"The positive class makes up {fmt(facts.test['prevalence'])} of the test split: the PR-AUC of a "
                "model that knows nothing.")
    return None


def _output(facts) -> list[str]:
    classes = list(facts.class_counts)
    detail = f" into {len(classes)} classes ({', '.join(classes)}); each model gives a probability per class" if (
        classes) else ""
    return [f"{str(facts.parameters.get('task')).capitalize()}{detail}."]


def _decision_thresholds(facts) -> str | None:
    return facts.class_counts and ("Each sample is given the class with the highest predicted probability (0.5 for "
                                   "two classes); ROC-AUC and PR-AUC do not depend on a threshold.")


REPORT = ReportView(
    words="classification: each model gives a probability per class", shuffled="label",
    split_heading="Samples per class in each part", per_class="per class", same_split="in the same class proportions",
    attribution_scale="in logit units", prior_words="'prior' always predicts the class frequencies",
    family_words={}, per_class_test=True, metric_order=(),
    baseline_metrics=("roc_auc", "pr_auc", "mcc", "balanced_accuracy", "brier"), importance_unit=_importance_unit,
    prevalence=_prevalence,
    target_summary=lambda facts: None, stratification=lambda facts: "stratified by class", output=_output,
    decision_thresholds=_decision_thresholds,
)
