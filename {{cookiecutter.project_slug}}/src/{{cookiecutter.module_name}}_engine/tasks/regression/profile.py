"""Tip 1 for a number: how the target is distributed, and whether the samples can support a network.

The target's skew, outliers and share of zeros decide how a model should be fitted and judged:
squared-error losses chase a few large values, a log scale can tame that, and a target that is
mostly zero is two questions (is it zero? how much?). The recommendation weighs the sample count
against the features and the starting network's parameters, with its numbers.
"""

import numpy as np
from scipy import stats

from ...common.errors import LabError
from ..classification.question import CLASSICAL_FIRST, COLLECT_MORE, DEEP_PLAUSIBLE, MIN_SAMPLES_PER_FEATURE
from ..views import QuestionView

OUTLIER_Z = 3.5  # robust z (distance from the median in scaled MADs) beyond which a value is an outlier
SKEW_LIMIT = 1.0  # |skewness| beyond this: a transform is worth considering
ZERO_INFLATED = 0.2  # share of exact zeros beyond which the target is called zero-inflated
PLENTIFUL_SAMPLES = 10_000  # Tip 1: networks do best with samples in the tens of thousands
MIN_SAMPLES_PER_PARAMETER = 1.0  # fewer samples than parameters: the network can memorise every target


def _round(value):
    return round(float(value), 6)


def robust_outliers(y, limit=OUTLIER_Z):
    """Number of values whose robust z-score |y − median| / (1.4826 × MAD) exceeds `limit`."""
    y = np.asarray(y, dtype=float)
    mad = 1.4826 * np.median(np.abs(y - np.median(y)))
    if mad == 0:
        return int(np.sum(y != np.median(y)))
    return int(np.sum(np.abs(y - np.median(y)) / mad > limit))


def log_advice(y, skewness):
    """(suggested, transform, reason): a log scale is suggested for a positive, right-skewed target."""
    y = np.asarray(y, dtype=float)
    if skewness <= SKEW_LIMIT:
        return False, None, f"skewness {skewness:.2f} is within {SKEW_LIMIT:g}: no transform needed"
    if y.min() < 0:
        return False, None, (f"skewness {skewness:.2f} is high but the target takes negative values, so a log "
                             "does not apply; consider the Huber loss (network.loss: huber) instead")
    transform = "log1p" if y.min() == 0 else "log"
    after = float(stats.skew(np.log1p(y) if transform == "log1p" else np.log(y), bias=False))
    return True, transform, (f"skewness {skewness:.2f} > {SKEW_LIMIT:g}: a few large values would dominate squared "
                             f"errors; {transform}(target) has skewness {after:.2f}, so fit on that scale and "
                             "transform predictions back")


def profile_target(y):
    """Distribution of a numeric target: centre, spread, skewness, outliers, zeros and the log advice."""
    y = np.asarray(y, dtype=float)
    if len(y) < 3 or not np.isfinite(y).all():
        raise LabError("the target needs at least three finite values to be profiled; check data.target in lab.yaml.")
    skewness = float(stats.skew(y, bias=False)) if np.ptp(y) > 0 else 0.0
    suggested, transform, reason = log_advice(y, skewness)
    share_zero = float(np.mean(y == 0))
    return {
        "n": int(len(y)), "mean": _round(y.mean()), "sd": _round(y.std(ddof=1)), "median": _round(np.median(y)),
        "min": _round(y.min()), "max": _round(y.max()), "q1": _round(np.quantile(y, 0.25)),
        "q3": _round(np.quantile(y, 0.75)), "distinct": int(len(np.unique(y))), "skewness": _round(skewness),
        "n_outliers": robust_outliers(y), "outlier_rule": f"robust z > {OUTLIER_Z:g}",
        "share_zero": _round(share_zero), "zero_inflated": bool(share_zero > ZERO_INFLATED),
        "log_suggested": bool(suggested), "log_transform": transform, "log_reason": reason,
    }


def assess_regression_suitability(y, n_features, n_parameters, modality, floor=100, n_groups=None,
                                  plentiful=PLENTIFUL_SAMPLES):
    """Samples against features and network parameters, the target's profile, and a recommendation with reasons."""
    profile = profile_target(y)
    n_samples, n_features = profile["n"], int(n_features)
    if n_features < 1:
        raise LabError(f"n_features must be at least 1, not {n_features}; check the feature columns.")
    per_feature = _round(n_samples / n_features)
    per_parameter = _round(n_samples / max(1, int(n_parameters)))
    if n_samples < floor:
        recommendation = COLLECT_MORE
    elif n_samples < plentiful or per_feature < MIN_SAMPLES_PER_FEATURE or per_parameter < MIN_SAMPLES_PER_PARAMETER:
        recommendation = CLASSICAL_FIRST
    else:
        recommendation = DEEP_PLAUSIBLE
    reasons = _reasons(profile, n_features, int(n_parameters), per_feature, per_parameter, floor, plentiful)
    if n_groups is not None and int(n_groups) < n_samples:
        reasons.insert(1, f"The {n_samples} samples come from {int(n_groups)} groups; samples of one group are not "
                          "independent, so the effective sample size is nearer the number of groups.")
    summary = (f"{recommendation[0].upper()}{recommendation[1:]}: {n_samples} samples (floor {floor}), "
               f"{per_feature:.1f} per feature, {per_parameter:.2f} per parameter of the starting network; target "
               f"skewness {profile['skewness']:.2f}, {profile['n_outliers']} outlier(s).")
    return {"task": "regression", "n_samples": n_samples, "n_features": n_features, "n_parameters": int(n_parameters),
            "samples_per_feature": per_feature, "samples_per_parameter": per_parameter, "modality": modality.name,
            "floor": int(floor), "n_groups": None if n_groups is None else int(n_groups), "target": profile,
            "recommendation": recommendation, "summary": summary, "reasons": reasons}


def _reasons(profile, n_features, n_parameters, per_feature, per_parameter, floor, plentiful):
    n = profile["n"]
    reasons = [f"The data hold {n} samples with a numeric target from {profile['min']:g} to {profile['max']:g} "
               f"(median {profile['median']:g}, {profile['distinct']} distinct values)."]
    if n < floor:
        reasons.append(f"Fewer than {floor} samples: Tip 1's rough floor for considering deep learning is not met.")
    elif n < plentiful:
        reasons.append(f"{n} samples reach the floor of {floor}, but networks do best with orders of magnitude more "
                       f"(about {plentiful:,}); classical models come first.")
    reasons.append(f"{per_feature:.1f} samples per feature ({n_features} features)"
                   + (f", fewer than {MIN_SAMPLES_PER_FEATURE}: a flexible model can fit noise easily (Tip 7)."
                      if per_feature < MIN_SAMPLES_PER_FEATURE else "."))
    reasons.append(f"The starting network has {n_parameters:,} parameters: {per_parameter:.2f} samples per parameter"
                   + ("; it can memorise every training target, so regularisation and early stopping matter."
                      if per_parameter < MIN_SAMPLES_PER_PARAMETER else "."))
    reasons.append(f"Target distribution: {profile['log_reason']}.")
    if profile["n_outliers"]:
        reasons.append(f"{profile['n_outliers']} target value(s) lie beyond {profile['outlier_rule']}; check them "
                       "against the lab records, and read MAE and Spearman next to RMSE, which they inflate.")
    if profile["zero_inflated"]:
        reasons.append(f"{profile['share_zero']:.0%} of targets are exactly zero (zero-inflated): consider asking "
                       "first whether a sample is zero, then how much.")
    return reasons


def _assess(data, cfg, root, modality):
    from ...models.network_plan import starting_parameter_count, starting_params

    n_groups = None if data.groups is None else len(set(data.groups))
    n_parameters = starting_parameter_count(data.X, starting_params(cfg, root))  # one output: the number
    return assess_regression_suitability(data.y, data.n_features, n_parameters, modality,
                                         floor=cfg.thresholds.samples_per_class, n_groups=n_groups)


def _table(assessment, cfg):
    import pandas as pd

    return pd.Series(assessment["target"]).to_frame(cfg.data.target)


def _figure(assessment, data, cfg):
    from .plots import target_histogram

    return "00_target_distribution", target_histogram(data.y, assessment["target"], cfg.data.target)


QUESTION = QuestionView(assess=_assess, table=_table, figure=_figure)
