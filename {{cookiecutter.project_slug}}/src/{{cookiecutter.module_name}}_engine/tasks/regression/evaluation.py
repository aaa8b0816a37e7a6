"""Overfitting checks of notebook 05 for a numeric target: gaps, learning curves, the shuffled-target control.

Scored by R² (scale-free, so `thresholds.overfit_gap` means the same whatever the target's units):
the train − tune gap of each tuned model, tune R² as the training rows grow, and refits on
permuted targets (Chuang & Keiser) that show what a model scores with no real signal.
"""

import numpy as np

from ...evaluation.scale import take
from .bins import quantile_bins
from .metrics import metric_value

DECIMALS = 6
FRACTIONS = (0.25, 0.5, 0.75, 1.0)
SCORE = "r2"


def _round(value):
    return round(float(value), DECIMALS)


def r2_of(model, X, y):
    """R² of a fitted regressor on (X, y)."""
    return metric_value(y, model.predict(X), SCORE)


def regression_gap(model, X_train, y_train, X_tune, y_tune, threshold):
    """Training and tune R² of a fitted model, their gap, and whether the gap passes `threshold`."""
    train, tune = r2_of(model, X_train, y_train), r2_of(model, X_tune, y_tune)
    gap = _round(train - tune)
    return {"train": train, "tune": tune, "gap": gap, "threshold": _round(threshold), "flagged": bool(gap > threshold),
            "score": SCORE}


def _share(y, fraction, seed):
    """Positions of `fraction` of the rows, stratified on the target's quantile bins."""
    from sklearn.model_selection import train_test_split

    positions = np.arange(len(y))
    if fraction >= 1:
        return positions
    strata = quantile_bins(y, 5)["codes"]
    try:
        chosen, _ = train_test_split(positions, train_size=fraction, stratify=strata, random_state=seed)
    except ValueError:  # too few rows per bin for this share: a plain random share
        chosen, _ = train_test_split(positions, train_size=fraction, random_state=seed)
    return np.sort(chosen)


def regression_learning_curve(build, X_train, y_train, X_tune, y_tune, seed, fractions=FRACTIONS):
    """Training and tune R² after fitting on growing shares of the training split (bins of the target kept even)."""
    y_train = np.asarray(y_train, dtype=float)
    rows = []
    for fraction in fractions:
        positions = _share(y_train, fraction, seed)
        X_part, y_part = X_train.iloc[positions], y_train[positions]
        model = build().fit(X_part, y_part)
        rows.append({"fraction": float(fraction), "n": int(len(positions)), "train": r2_of(model, X_part, y_part),
                     "tune": r2_of(model, X_tune, y_tune)})
    return rows


def _bins(y):
    return quantile_bins(y)["codes"]  # the target's quantile bins, kept even in every subsample


def capped_regression_curve(build, fitted, X_train, y_train, X_tune, y_tune, seed, limit):
    """scale.capped_learning_curve for a numeric target: refits on at most `limit` rows, last point on all."""
    X_part, y_part, record = take(X_train, y_train, limit, seed, "learning-curve refits", _bins)
    rows = regression_learning_curve(build, X_part, y_part, X_tune, y_tune, seed)
    if record["subsampled"]:
        for row in rows:
            row["fraction"] = round(row["n"] / len(y_train), 6)
        rows.append({"fraction": 1.0, "n": int(len(y_train)), "train": fitted["train"], "tune": fitted["tune"]})
    return rows, {**record, "refits": len(rows) - int(record["subsampled"])}


def shuffled_target_control(build, X_train, y_train, X_tune, y_tune, observed, n_runs, seed):
    """Refit on permuted training targets `n_runs` times and score tune R² against the real targets.

    The p-value is (k + 1) / (n_runs + 1), k = permuted refits scoring at least `observed`; a model
    not above every permuted refit is flagged. Same keys as evaluate.shuffled_label_control.
    """
    y_train = np.asarray(y_train, dtype=float)
    rng = np.random.default_rng(seed)
    null, memorised = [], []
    for _ in range(int(n_runs)):
        permuted = rng.permutation(y_train)
        model = build().fit(X_train, permuted)
        null.append(r2_of(model, X_tune, y_tune))
        memorised.append(r2_of(model, X_train, permuted))
    k = int(sum(score >= observed for score in null))
    return {"observed": _round(observed), "null": [_round(v) for v in null], "null_mean": _round(np.mean(null)),
            "null_train_mean": _round(np.mean(memorised)), "n_runs": int(n_runs),
            "p_value": _round((k + 1) / (int(n_runs) + 1)), "smallest_possible_p": _round(1 / (int(n_runs) + 1)),
            "flagged": bool(k > 0), "score": SCORE}
