"""Tip 1: is deep learning the right tool for this question and this much data?

Counts samples per class and per feature against rough floors from the paper and returns a
recommendation with its reasons, so the choice of method is argued from numbers.
"""

from ...common.errors import LabError
from ...data.explore import class_balance
from ..views import QuestionView

COLLECT_MORE = "collect more data / consider augmentation or transfer learning"
CLASSICAL_FIRST = "start with classical models"
DEEP_PLAUSIBLE = "deep learning plausible"
PLENTIFUL_PER_CLASS = 1000
MIN_SAMPLES_PER_FEATURE = 10

def assess_suitability(y, n_features, modality, floor=100, plentiful=PLENTIFUL_PER_CLASS, n_groups=None):
    """Summarise class sizes and samples per feature, and recommend a starting point.

    Tip 1: networks can sometimes work from about `floor` samples per class but usually need
    orders of magnitude more; below that, collect, augment or transfer before training one.
    """
    counts = class_balance(y)
    if len(counts) < 2:
        raise LabError(
            f"the target holds only one class ({', '.join(counts)}); "
            "a classifier needs at least two."
        )
    if int(n_features) < 1:
        raise LabError(f"n_features must be at least 1, not {n_features}; check the feature columns.")
    n_samples = int(sum(counts.values()))
    below = [label for label, count in counts.items() if count < floor]
    per_feature = round(n_samples / int(n_features), 6)
    smallest = min(counts.values())
    ratio = round(max(counts.values()) / smallest, 6)
    recommendation = _recommend(below, smallest, per_feature, plentiful)
    reasons = _reasons(counts, below, per_feature, ratio, modality, floor, plentiful)
    if n_groups is not None and int(n_groups) < n_samples:
        reasons.insert(1, (
            f"The {n_samples} samples come from {int(n_groups)} groups (subjects, sites or batches); "
            "samples of one group are not independent, so the effective sample size is nearer the number of groups."
        ))
    return {
        "n_samples": n_samples,
        "n_features": int(n_features),
        "n_classes": len(counts),
        "samples_per_class": counts,
        "classes_below_floor": below,
        "samples_per_feature": per_feature,
        "imbalance_ratio": ratio,
        "modality": modality.name,
        "floor": int(floor),
        "n_groups": None if n_groups is None else int(n_groups),
        "recommendation": recommendation,
        "summary": _summary(recommendation, n_samples, counts, per_feature, ratio, floor),
        "reasons": reasons,
    }


def _summary(recommendation, n_samples, counts, per_feature, ratio, floor):
    """The recommendation with the numbers behind it, in one line."""
    smallest = min(counts, key=counts.get)
    return (
        f"{recommendation[0].upper()}{recommendation[1:]}: {n_samples} samples, smallest class '{smallest}' "
        f"with {counts[smallest]} (floor {floor}), {per_feature:.1f} samples per feature, "
        f"largest-to-smallest class ratio {ratio:.1f}."
    )


def _recommend(below, smallest, per_feature, plentiful):
    if below:
        return COLLECT_MORE
    if smallest < plentiful or per_feature < MIN_SAMPLES_PER_FEATURE:
        return CLASSICAL_FIRST
    return DEEP_PLAUSIBLE


def _reasons(counts, below, per_feature, ratio, modality, floor, plentiful):
    smallest_label = min(counts, key=counts.get)
    reasons = [
        f"The data hold {sum(counts.values())} samples in {len(counts)} classes; the smallest class, "
        f"'{smallest_label}', has {counts[smallest_label]} samples."
    ]
    if below:
        reasons.append(
            f"{len(below)} class(es) fall below the rough floor of {floor} samples per class at which "
            f"Tip 1 says deep learning can first be considered: "
            f"{', '.join(f'{label} ({counts[label]})' for label in below)}."
        )
    elif counts[smallest_label] < plentiful:
        reasons.append(
            f"Every class reaches the floor of {floor} samples, but Tip 1 notes networks do best with "
            f"orders of magnitude more; below about {plentiful} per class, classical models come first."
        )
    else:
        reasons.append(
            f"Every class has at least {plentiful} samples, "
            "enough to make a network worth trying."
        )
    reasons.append(
        f"There are {per_feature:.1f} samples per feature"
        + (
            f", fewer than {MIN_SAMPLES_PER_FEATURE}, so a flexible model can fit noise easily (Tip 7)."
            if per_feature < MIN_SAMPLES_PER_FEATURE
            else "."
        )
    )
    if ratio > 3:
        reasons.append(
            f"The largest class is {ratio:.1f} times the smallest; judge models by PR-AUC, MCC and "
            "balanced accuracy, not accuracy alone (Tip 7)."
        )
    reasons.append(modality.question_note)  # what Tip 1 says of this kind of data
    return reasons


def _assess(data, cfg, root, modality):
    n_groups = None if data.groups is None else len(set(data.groups))
    return assess_suitability(data.y, data.n_features, modality, floor=cfg.thresholds.samples_per_class,
                              n_groups=n_groups)


def _table(assessment, cfg):
    import pandas as pd

    counts = pd.Series(assessment["samples_per_class"])
    return pd.DataFrame({"samples": counts, "below the floor": counts < cfg.thresholds.samples_per_class}
                        ).rename_axis("class")


def _figure(assessment, data, cfg):
    from ...figures import plots

    return "00_class_balance", plots.class_balance_bar(assessment["samples_per_class"],
                                                       floor=cfg.thresholds.samples_per_class)


QUESTION = QuestionView(assess=_assess, table=_table, figure=_figure)
