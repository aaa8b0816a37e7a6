"""Notebook 05 for classes (Tip 7): gaps and tune panels, learning curves, shuffled labels, the one test look."""

from __future__ import annotations

import pandas as pd

from ...common.sections import Section
from ...evaluation.scale import PredictOnce, capped_learning_curve, learning_curve_refits
from ...figures import plots
from ...reports.sentences import paired_text
from ..views import OverfittingView
from . import evaluation as evaluate


def _gap_and_panel(model, X_scored, y_scored, X_tune, y_tune, threshold, classes):
    scored_once = PredictOnce(model)  # the tune rows are predicted once for the gap and the panel
    gap = evaluate.train_tune_gap(scored_once, X_scored, y_scored, X_tune, y_tune, threshold)
    return gap, evaluate.metric_panel(y_tune, evaluate.aligned_proba(scored_once, X_tune, classes), classes)


def _learning_curve(build, gap, X_train, y_train, X_tune, y_tune, seed, whole):
    return capped_learning_curve(build, gap, X_train, y_train, X_tune, y_tune, seed, whole=whole)


def _curve_figure(curves, curve_rows):
    figure = plots.learning_curves(curves)
    if curve_rows["subsampled"]:  # refits on a subsample, last point on every row: sizes span orders of magnitude
        figure.axes[0].set_xscale("log")
        figure.axes[0].set_title(f"Learning curves (refits on a subsample of {curve_rows['rows']:,}; "
                                 f"last point: all {curve_rows['of']:,} rows)", fontsize="medium")
    return figure


def _test_look(run, models, finalists, X_test, y_test, X_tune, y_tune) -> Section:
    """Each finalist's test panel with bootstrap intervals, the paired comparison, ROC/PR and calibration."""
    classes = list(run.data.classes)
    bootstrap, seed = run.budget.bootstrap, run.seed
    proba = {family: evaluate.aligned_proba(models[family], X_test, classes) for family in finalists}
    test = {family: evaluate.bootstrap_panel(y_test, proba[family], classes, bootstrap, seed) for family in finalists}
    paired = (
        {"model_a": finalists[0], "model_b": finalists[1],
         **evaluate.paired_bootstrap(y_test, proba[finalists[0]], proba[finalists[1]], classes, bootstrap, seed)}
        if len(finalists) == 2 else None
    )
    figures = [("05_test_metrics", plots.metric_intervals({family: test[family]["metrics"] for family in finalists},
                                                          test[finalists[0]]["chance_pr_auc"])),
               ("05_roc_pr", plots.roc_pr_curves({family: evaluate.curve_points(y_test, proba[family], classes)
                                                  for family in finalists})),
               ("05_calibration", plots.calibration({family: evaluate.calibration_points(y_test, proba[family], classes)
                                                     for family in finalists}))]
    table = pd.DataFrame(
        {family: {m: f"{v['value']:.3f} [{v['low']:.3f}, {v['high']:.3f}]" for m, v in test[family]["metrics"].items()}
         for family in finalists}
    )
    record = {
        "n": int(len(y_test)),
        "prevalence": test[finalists[0]]["prevalence"],  # None for more than two classes: see class_prevalence
        "class_prevalence": test[finalists[0]]["class_prevalence"],
        "n_resamples": bootstrap,
        "models": {family: {"metrics": test[family]["metrics"]} for family in finalists},
        "paired": paired,
    }
    return Section(lines=[paired_text(paired)] if paired else [], tables=[table], figures=figures,
                   values={"test": record, "extra": {}})


OVERFITTING = OverfittingView(
    gap_and_panel=_gap_and_panel, gap_words="", gap_axis="score (ROC-AUC)", learning_curve=_learning_curve,
    curve_refits=learning_curve_refits, curve_figure=_curve_figure, shuffled_control=evaluate.shuffled_label_control,
    null_axis="tune score (ROC-AUC)", test_look=_test_look,
    record=lambda run, tuned, finalists: {"score": "roc_auc"}, network_loss=lambda models: {},
)
