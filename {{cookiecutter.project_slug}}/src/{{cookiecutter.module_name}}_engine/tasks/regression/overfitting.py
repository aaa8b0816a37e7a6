"""Overfitting checks of notebook 05 for a numeric target: gaps, learning curves, the shuffled-target control.

Scored by R² (scale-free, so `thresholds.overfit_gap` means the same whatever the target's units):
the train − tune gap of each tuned model, tune R² as the training rows grow, and refits on
permuted targets (Chuang & Keiser) that show what a model scores with no real signal.
"""

import math

import numpy as np

from ...common.errors import LabError
from ...evaluation.scale import take
from ..views import OverfittingView
from .metrics import metric_value
from .target import quantile_bins

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


# notebook 05 -----------------------------------------------------------------------------------
def _gap_and_panel(model, X_scored, y_scored, X_tune, y_tune, threshold, classes):
    from .metrics import predict_numbers, regression_panel

    return (regression_gap(model, X_scored, y_scored, X_tune, y_tune, threshold),
            regression_panel(y_tune, predict_numbers(model, X_tune)))


def _learning_curve(build, gap, X_train, y_train, X_tune, y_tune, seed, whole):
    from ...evaluation.scale import REFIT_ROWS

    return capped_regression_curve(build, gap, X_train, y_train, X_tune, y_tune, seed, REFIT_ROWS)


def _curve_figure(curves, curve_rows):
    from ...figures import plots

    figure = plots.learning_curves(curves)
    figure.axes[0].set_ylabel("R²")
    return figure


def _record(run, tuned, finalists):
    return {"score": "r2", "tuning_metric": tuned[finalists[0]].get("metric", run.cfg.tuning.metric or "r2")}


def _network_loss(models):
    return {"loss": models["network"][-1].loss if "network" in models else None}


def _test_look(run, models, finalists, X_test, y_test, X_tune, y_tune):
    """Each finalist's test panel with bootstrap intervals, the paired comparison, predictions against the
    truth, and split-conformal intervals (their coverage on test); writes artifacts/05_predictions.csv."""
    import pandas as pd

    from ...common.sections import Section
    from .metrics import bootstrap_regression_panel, paired_regression_bootstrap, predict_numbers
    from .overfitting import NOMINAL, split_conformal
    from .plots import interval_metrics, predicted_vs_observed, residual_plot

    bootstrap, seed, target = run.budget.bootstrap, run.seed, run.cfg.data.target
    predicted = {family: predict_numbers(models[family], X_test) for family in finalists}
    test = {family: bootstrap_regression_panel(y_test, predicted[family], bootstrap, seed) for family in finalists}
    paired = (
        {"model_a": finalists[0], "model_b": finalists[1],
         **paired_regression_bootstrap(y_test, predicted[finalists[0]], predicted[finalists[1]], bootstrap, seed)}
        if len(finalists) == 2 else None
    )
    lines = []
    for name, d in (paired or {}).get("metrics", {}).items():
        shown = "no demonstrated difference" if not d["excludes_zero"] else f"favours {paired['model_' + d['better']]}"
        lines.append(f"{paired['model_a']} − {paired['model_b']}, {name}: {d['difference']:.3f} "
                     f"[{d['low']:.3f}, {d['high']:.3f}] ({shown})")
    table = pd.DataFrame(
        {family: {m: f"{v['value']:.3f} [{v['low']:.3f}, {v['high']:.3f}]" for m, v in test[family]["metrics"].items()}
         for family in finalists}
    )
    figures = [("05_test_metrics", interval_metrics({family: test[family]["metrics"] for family in finalists})),
               ("05_predicted_vs_observed", predicted_vs_observed(y_test, predicted, target)),
               ("05_residuals", residual_plot(y_test, predicted, target))]
    conformal, predictions = {}, pd.DataFrame({"id": run.data.ids[run.split().test], "observed": y_test})
    for family in finalists:
        conformal[family], low, high = split_conformal(y_tune, predict_numbers(models[family], X_tune), y_test,
                                                       predicted[family], NOMINAL)
        predictions[f"{family}_predicted"], predictions[f"{family}_low"], predictions[f"{family}_high"] = (
            predicted[family], low, high)
        c = conformal[family]
        lines.append(f"{family}: {c['nominal']:.0%} split-conformal intervals (±{c['quantile']:.3g}, calibrated on "
                     f"{c['n_calibration']} tune rows) hold {c['coverage']:.1%} of the {c['n']} test targets")
    (run.dir / "artifacts").mkdir(parents=True, exist_ok=True)
    predictions.to_csv(run.dir / "artifacts" / "05_predictions.csv", index=False, float_format="%.6g",
                       lineterminator="\n")
    record = {
        "n": int(len(y_test)),
        "target": {"mean": round(float(y_test.mean()), 6), "sd": round(float(y_test.std(ddof=1)), 6)},
        "n_resamples": bootstrap,
        "models": {family: {"metrics": test[family]["metrics"]} for family in finalists},
        "paired": paired,
    }
    return Section(lines=lines, tables=[table, pd.DataFrame(conformal).T], figures=figures, values={
        "test": record, "extra": {"conformal": conformal, "predictions_file": "artifacts/05_predictions.csv"}})


OVERFITTING = OverfittingView(
    gap_and_panel=_gap_and_panel, gap_words=" (R²)", gap_axis="score (R²)", learning_curve=_learning_curve,
    curve_refits=lambda n_rows, whole: len(FRACTIONS), curve_figure=_curve_figure,
    shuffled_control=shuffled_target_control, null_axis="tune R²", test_look=_test_look, record=_record,
    network_loss=_network_loss,
)


NOMINAL = 0.9
DECIMALS = 6


def conformal_quantile(residuals, nominal=NOMINAL):
    """The half-width of split-conformal intervals at `nominal` coverage from calibration residuals.

    Infinite when there are too few calibration rows for that coverage (n < 1 / (1 − nominal) − 1).
    """
    scores = np.sort(np.abs(np.asarray(residuals, dtype=float)))
    if not 0 < nominal < 1:
        raise LabError(f"conformal coverage must lie between 0 and 1, not {nominal}.")
    if len(scores) == 0:
        raise LabError("split-conformal intervals need calibration rows; the tune split is empty.")
    rank = math.ceil((len(scores) + 1) * nominal)
    return float("inf") if rank > len(scores) else float(scores[rank - 1])


def intervals(predicted, half_width):
    """(low, high) of symmetric intervals around the predictions."""
    predicted = np.asarray(predicted, dtype=float)
    return predicted - half_width, predicted + half_width


def coverage(y_true, low, high):
    """Share of rows whose observed value lies inside its interval (ends included)."""
    y_true = np.asarray(y_true, dtype=float)
    return float(np.mean((y_true >= np.asarray(low)) & (y_true <= np.asarray(high))))


def split_conformal(y_calibration, predicted_calibration, y_test, predicted_test, nominal=NOMINAL):
    """Intervals for the test predictions from calibration residuals, and their measured test coverage.

    Returns ({"nominal", "coverage", "mean_width", "quantile", "n_calibration", "n"}, low, high).
    """
    residuals = np.asarray(y_calibration, dtype=float) - np.asarray(predicted_calibration, dtype=float)
    half = conformal_quantile(residuals, nominal)
    low, high = intervals(predicted_test, half)
    summary = {"nominal": float(nominal), "coverage": round(coverage(y_test, low, high), DECIMALS),
               "mean_width": round(float(2 * half), DECIMALS), "quantile": round(half, DECIMALS),
               "n_calibration": int(len(residuals)), "n": int(len(np.asarray(y_test)))}
    return summary, low, high
