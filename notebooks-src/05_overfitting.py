# %% [markdown]
# # 05 · Overfitting — detect it, then look at the test set once
# **Tip 7** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# A model that scores much better on the rows it was trained on than on held-out rows has
# memorised rather than learned. This notebook looks for that in four ways before the test
# set is touched: the train-versus-tune gap of every tuned model (flagged beyond
# `thresholds.overfit_gap`), learning curves over the size of the training set, the
# network's loss by epoch, and a shuffled-label control (Chuang & Keiser): the same model
# refitted on permuted labels shows what it scores with no real signal at all.
#
# Only then are the tuned network and the best tuned classical model evaluated on the test
# split — once, through a gate that logs the opening — with a metric panel chosen for
# imbalance, 95% bootstrap intervals, and a paired comparison of the two.
#
# **Checklist**
# - [ ] train and tune scores compared for every tuned model; flagged models examined
# - [ ] learning curves: would more data help? does the gap close?
# - [ ] each finalist beats every one of its shuffled-label refits
# - [ ] the test set opened exactly once; metrics read with their intervals, PR-AUC against prevalence

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import math

import pandas as pd
from IPython.display import display

from {{ cookiecutter.module_name }}_engine.figures import plots
from {{ cookiecutter.module_name }}_engine.reports.findings import shuffled_sentence
from {{ cookiecutter.module_name }}_engine.evaluation.gap_fits import gap_fit, gap_fits_sentence
from {{ cookiecutter.module_name }}_engine.models.nets import seed_everything
from {{ cookiecutter.module_name }}_engine.runner.runs import Run
from {{ cookiecutter.module_name }}_engine.evaluation.scale import (
    REFIT_ROWS,
    Progress,
    describe,
    take,
)
from {{ cookiecutter.module_name }}_engine.tuning.spaces import NETWORK
from {{ cookiecutter.module_name }}_engine.tasks.registry import task_for
from {{ cookiecutter.module_name }}_engine.tuning.results import best_family

run = Run.open(run_dir, config, profile, overrides)
task = task_for(run.cfg)
seed_everything(run.seed)
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
classes = list(run.data.classes)
tuned = run.load_artifact("04_tuning")["results"]
baseline = best_family({family: r for family, r in tuned.items() if family != NETWORK})
finalists = [family for family in (NETWORK, baseline) if family in tuned]


def builder(family):
    """A function returning a fresh, unfitted copy of the tuned model of one family."""
    return lambda: task.build_model(family, X_train, tuned[family]["best_params"], seed=run.seed,
                                    device=run.cfg.device)


# %% [markdown]
# ## Training versus tuning score
# The finalists (the tuned network and the best tuned classical model) are fitted on every
# training row: they go on to the learning curves, the shuffled-label control and the test set.
# Every other tuned model is fitted on the rows its tuning trials read in notebook 04 (all
# training rows up to `scale.TUNING_ROWS`, above it the same recorded subsample), so it is its
# best trial's own model and its tune score the one the search saw. Training scores are read on
# at most `scale.SCORING_ROWS` of the rows each model was fitted on.

# %% tags=["classification"]
from {{ cookiecutter.module_name }}_engine.tasks.classification import evaluation as evaluate
from {{ cookiecutter.module_name }}_engine.evaluation.scale import PredictOnce

threshold = run.cfg.thresholds.overfit_gap
models, gaps, tune_panel, gap_rows = {}, {}, {}, {}
fits = Progress(len(tuned), "05 tuned models refitted")  # progress here and in the run's terminal log
for family in tuned:
    models[family], X_scored, y_scored, gap_rows[family] = gap_fit(builder(family), X_train, y_train,
                                                                   family in finalists, run.seed)
    fits.step(family)
    scored_once = PredictOnce(models[family])  # the tune rows are predicted once for the gap and the panel
    gaps[family] = evaluate.train_tune_gap(scored_once, X_scored, y_scored, X_tune, y_tune, threshold)
    tune_panel[family] = evaluate.metric_panel(y_tune, evaluate.aligned_proba(scored_once, X_tune, classes), classes)
fits.close()
scored = gap_rows[finalists[0]]["training_scores"]  # the finalists' training rows (every non-finalist's: gap_rows)
print(gap_fits_sentence(gap_rows))
flagged = sorted(family for family, g in gaps.items() if g["flagged"])
figure = plots.train_tune_bars(gaps)
run.save_figure(figure, "05_train_tune_gap")
print(f"gap threshold {threshold}: flagged {', '.join(flagged) if flagged else 'none'}")
figure

# %% tags=["regression"]
from {{ cookiecutter.module_name }}_engine.tasks.regression.evaluation import regression_gap

threshold = run.cfg.thresholds.overfit_gap  # in R², which has no units, whatever the target's
models, gaps, tune_panel, gap_rows = {}, {}, {}, {}
fits = Progress(len(tuned), "05 tuned models refitted")  # progress here and in logs/05_overfitting.kernel.log
for family in tuned:
    models[family], X_scored, y_scored, gap_rows[family] = gap_fit(builder(family), X_train, y_train,
                                                                   family in finalists, run.seed)
    fits.step(family)
    gaps[family] = regression_gap(models[family], X_scored, y_scored, X_tune, y_tune, threshold)
    tune_panel[family] = task.panel(y_tune, task.predict(models[family], X_tune))
fits.close()
scored = gap_rows[finalists[0]]["training_scores"]  # the finalists' training rows (every non-finalist's: gap_rows)
print(gap_fits_sentence(gap_rows))
flagged = sorted(family for family, g in gaps.items() if g["flagged"])
figure = plots.train_tune_bars(gaps)
figure.axes[0].set_ylabel("score (R²)")
run.save_figure(figure, "05_train_tune_gap")
print(f"gap threshold {threshold} (R²): flagged {', '.join(flagged) if flagged else 'none'}")
figure

# %%
pd.DataFrame(tune_panel).T.drop(columns=["n_samples"]).round(3)  # every tuned model on the tune split

# %% [markdown]
# ## The finalists: the tuned network and the best tuned classical model
# Learning curves refit each on 25 %, 50 %, 75 % and all of the training split (stratified).
# Above `scale.REFIT_ROWS` training rows the refits take those shares of a stratified, seeded
# subsample of that size and the last point is the model fitted on every training row, so the
# number of refits stays four per finalist whatever the size (recorded in the artifact). For
# classes, up to that size, the last point is the finalist's gap fit above (the same rows, the
# same seed, so the same model): three refits per finalist are made.

# %% tags=["classification"]
from {{ cookiecutter.module_name }}_engine.evaluation.scale import capped_learning_curve, learning_curve_refits

curves, curve_rows = {}, None
whole = not scored["subsampled"]  # the finalists' training scores read every training row: their fit is the last point
refits = Progress(learning_curve_refits(len(y_train), whole) * len(finalists), "05 learning-curve refits")
for family in finalists:
    curves[family], curve_rows = capped_learning_curve(refits.counting(builder(family), family), gaps[family],
                                                       X_train, y_train, X_tune, y_tune, run.seed, whole=whole)
refits.close()
print(f"{describe(curve_rows)}; {curve_rows['refits']} refit(s) per finalist")
figure = plots.learning_curves(curves)
if curve_rows["subsampled"]:  # refits on a subsample, last point on every row: sizes span orders of magnitude
    figure.axes[0].set_xscale("log")
    figure.axes[0].set_title(f"Learning curves (refits on a subsample of {curve_rows['rows']:,}; "
                             f"last point: all {curve_rows['of']:,} rows)", fontsize="medium")
run.save_figure(figure, "05_learning_curves")
figure

# %% tags=["regression"]
from {{ cookiecutter.module_name }}_engine.tasks.regression.evaluation import capped_regression_curve

curves, curve_rows = {}, None
refits = Progress(4 * len(finalists), "05 learning-curve refits")
for family in finalists:
    curves[family], curve_rows = capped_regression_curve(refits.counting(builder(family), family), gaps[family],
                                                         X_train, y_train, X_tune, y_tune, run.seed, REFIT_ROWS)
refits.close()
print(f"{describe(curve_rows)}; {curve_rows['refits']} refit(s) per finalist")
figure = plots.learning_curves(curves)
figure.axes[0].set_ylabel("R²")
run.save_figure(figure, "05_learning_curves")
figure

# %% [markdown]
# The tuned network is refitted on the training split for the number of epochs its search found
# best (early stopping on the tune split, notebook 04). Its training loss should start near the
# untrained value (dashed) and level off; the tune-split curves of the small network are in notebook 03.

# %%
history = models[NETWORK].named_steps["model"].history_ if NETWORK in models else []
if task.is_regression:  # an untrained network on the standardised target: the loss of predicting its mean
    from {{ cookiecutter.module_name }}_engine.tasks.regression.checks import expected_initial_loss_regression

    untrained = expected_initial_loss_regression(y_train, models[NETWORK][-1].loss) if history else None
else:
    untrained = math.log(len(classes))
if history:
    figure = plots.loss_curve(history, reference=untrained)
    run.save_figure(figure, "05_loss_curve")
    display(figure)
else:
    print("no network among the tuned families (tuning.families in lab.yaml)")

# %% [markdown]
# ## Shuffled-label control
# Each finalist is refitted on randomly permuted training labels and scored on the real tune
# labels. The p-value is (k + 1) / (n + 1), with k the refits scoring at least as well as the
# real model; with n refits it cannot fall below 1 / (n + 1). A finalist not above every
# shuffled refit is flagged. Above `scale.REFIT_ROWS` training rows the shuffled refits read a
# stratified, seeded subsample of that size: a model trained on permuted labels stays at
# chance whatever the rows, and fewer rows only widen the null (a stricter control).

# %% tags=["classification"]
X_refit, y_refit, refit_rows = take(X_train, y_train, REFIT_ROWS, run.seed, "shuffled-label refits")
print(describe(refit_rows))
runs_for = {NETWORK: run.budget.shuffled_label_runs_network}
n_refits = sum(runs_for.get(family, run.budget.shuffled_label_runs) for family in finalists)
refits = Progress(n_refits, "05 shuffled-label refits")
controls = {
    family: evaluate.shuffled_label_control(
        refits.counting(builder(family), family), X_refit, y_refit, X_tune, y_tune, observed=gaps[family]["tune"],
        n_runs=runs_for.get(family, run.budget.shuffled_label_runs), seed=run.seed,
    )
    for family in finalists
}
refits.close()
no_better_than_null = sorted(family for family, c in controls.items() if c["flagged"])
figure = plots.null_distributions(controls)
run.save_figure(figure, "05_shuffled_labels")
for family, control in controls.items():
    print(shuffled_sentence(family, control))
figure

# %% tags=["regression"]
from {{ cookiecutter.module_name }}_engine.tasks.regression.evaluation import shuffled_target_control

X_refit, y_refit, refit_rows = take(X_train, y_train, REFIT_ROWS, run.seed, "shuffled-target refits")
print(describe(refit_rows))
runs_for = {NETWORK: run.budget.shuffled_label_runs_network}
n_refits = sum(runs_for.get(family, run.budget.shuffled_label_runs) for family in finalists)
refits = Progress(n_refits, "05 shuffled-target refits")
controls = {
    family: shuffled_target_control(
        refits.counting(builder(family), family), X_refit, y_refit, X_tune, y_tune, observed=gaps[family]["tune"],
        n_runs=runs_for.get(family, run.budget.shuffled_label_runs), seed=run.seed,
    )
    for family in finalists
}
refits.close()
no_better_than_null = sorted(family for family, c in controls.items() if c["flagged"])
figure = plots.null_distributions(controls)
figure.axes[0].set_xlabel("tune R²")
run.save_figure(figure, "05_shuffled_labels")
for family, control in controls.items():
    print(shuffled_sentence(family, control))
figure

# %% [markdown]
# ## The single look at the test set
# `run.open_test` logs the opening in this run's `test_audit.jsonl` and in the project's
# ledger next to the split file. A second opening in this run is refused unless
# `test_set.reopen_reason` in `lab.yaml` says why.

# %% tags=["classification"]
X_test, y_test = run.open_test(
    model=" and ".join(finalists),
    reason="final evaluation of the tuned network and the best tuned classical model",
    force_reason=run.cfg.test_set.reopen_reason,
)
proba = {family: evaluate.aligned_proba(models[family], X_test, classes) for family in finalists}
test = {
    family: evaluate.bootstrap_panel(y_test, proba[family], classes, run.budget.bootstrap, run.seed)
    for family in finalists
}
paired = (
    {"model_a": finalists[0], "model_b": finalists[1],
     **evaluate.paired_bootstrap(y_test, proba[finalists[0]], proba[finalists[1]], classes,
                                 run.budget.bootstrap, run.seed)}
    if len(finalists) == 2 else None
)
prevalence = test[finalists[0]]["prevalence"]  # None for more than two classes: see class_prevalence
figure = plots.metric_intervals({family: test[family]["metrics"] for family in finalists},
                                test[finalists[0]]["chance_pr_auc"])
run.save_figure(figure, "05_test_metrics")
pd.DataFrame(
    {family: {m: f"{v['value']:.3f} [{v['low']:.3f}, {v['high']:.3f}]" for m, v in test[family]["metrics"].items()}
     for family in finalists}
)

# %% tags=["classification"]
figure = plots.roc_pr_curves({family: evaluate.curve_points(y_test, proba[family], classes) for family in finalists})
run.save_figure(figure, "05_roc_pr")
figure

# %% tags=["classification"]
from {{ cookiecutter.module_name }}_engine.reports.findings import paired_text

figure = plots.calibration({family: evaluate.calibration_points(y_test, proba[family], classes)
                            for family in finalists})
run.save_figure(figure, "05_calibration")
if paired:
    print(paired_text(paired))
figure

# %% tags=["classification"]
run.save_models({family: (models[family], tuned[family]["best_params"]) for family in finalists})
ledger = run.ledger_summary()
openings = run.test_openings()
print(f"this split's test set has been opened {ledger['openings']} time(s) in the project, in {ledger['runs']} "
      f"run(s), under {ledger['distinct_settings']} distinct setting(s); see {ledger['file']}")
artifact = run.save_artifact(
    "05_overfitting",
    {
        "task": "classification",
        "score": "roc_auc",
        "threshold": threshold,
        "gaps": gaps,
        "flagged": flagged,
        "tune_panel": tune_panel,
        "finalists": {"network": NETWORK if NETWORK in finalists else None, "baseline": baseline},
        "learning_curves": curves,
        "rows": {"training_scores": scored, "learning_curves": curve_rows, "shuffled_labels": refit_rows},
        "gap_fits": gap_rows,
        "network_loss": {"epochs": len(history), "final_train_loss": history[-1]["train_loss"] if history else None},
        "shuffled_labels": controls,
        "no_better_than_shuffled": no_better_than_null,
        "test": {
            "n": int(len(y_test)),
            "prevalence": prevalence,
            "class_prevalence": test[finalists[0]]["class_prevalence"],
            "n_resamples": run.budget.bootstrap,
            "models": {family: {"metrics": test[family]["metrics"]} for family in finalists},
            "paired": paired,
        },
        "test_openings": len(openings),
        "test_reopened": len(openings) > 1,
        "ledger": {"file": ledger["file"], "distinct_settings": ledger["distinct_settings"]},
        "models": {family: {"file": f"models/{family}.joblib", "params": tuned[family]["best_params"]}
                   for family in finalists},
    },
)

# %% [markdown] tags=["regression"]
# For a numeric target the panel is R² (share of the target's variance explained; 0 = the
# training mean), RMSE and MAE (typical error in the target's units; RMSE weighs large errors
# more), Pearson's r (linear agreement) and Spearman's ρ (agreement in rank), each with a 95%
# bootstrap interval over test rows. The paired interval of network − best baseline resamples
# the same rows for both models. Split-conformal intervals then give each test prediction a
# range meant to hold the truth 90% of the time: the half-width is a quantile of the absolute
# tune-split residuals of the model fitted on the training split, and the coverage actually
# reached on the test split is reported.

# %% tags=["regression"]
from {{ cookiecutter.module_name }}_engine.tasks.regression.conformal import NOMINAL, split_conformal
from {{ cookiecutter.module_name }}_engine.tasks.regression.metrics import bootstrap_regression_panel, paired_regression_bootstrap
from {{ cookiecutter.module_name }}_engine.tasks.regression.plots import interval_metrics, predicted_vs_observed, residual_plot

X_test, y_test = run.open_test(
    model=" and ".join(finalists),
    reason="final evaluation of the tuned network and the best tuned classical model",
    force_reason=run.cfg.test_set.reopen_reason,
)
predicted = {family: task.predict(models[family], X_test) for family in finalists}
test = {family: bootstrap_regression_panel(y_test, predicted[family], run.budget.bootstrap, run.seed)
        for family in finalists}
paired = (
    {"model_a": finalists[0], "model_b": finalists[1],
     **paired_regression_bootstrap(y_test, predicted[finalists[0]], predicted[finalists[1]], run.budget.bootstrap,
                                   run.seed)}
    if len(finalists) == 2 else None
)
figure = interval_metrics({family: test[family]["metrics"] for family in finalists})
run.save_figure(figure, "05_test_metrics")
if paired:
    for name, d in paired["metrics"].items():
        shown = "no demonstrated difference" if not d["excludes_zero"] else f"favours {paired['model_' + d['better']]}"
        print(f"{paired['model_a']} − {paired['model_b']}, {name}: {d['difference']:.3f} "
              f"[{d['low']:.3f}, {d['high']:.3f}] ({shown})")
pd.DataFrame(
    {family: {m: f"{v['value']:.3f} [{v['low']:.3f}, {v['high']:.3f}]" for m, v in test[family]["metrics"].items()}
     for family in finalists}
)

# %% tags=["regression"]
figure = predicted_vs_observed(y_test, predicted, run.cfg.data.target)
run.save_figure(figure, "05_predicted_vs_observed")
figure

# %% tags=["regression"]
figure = residual_plot(y_test, predicted, run.cfg.data.target)
run.save_figure(figure, "05_residuals")
figure

# %% tags=["regression"]
conformal, predictions = {}, pd.DataFrame({"id": run.data.ids[run.split().test], "observed": y_test})
for family in finalists:
    conformal[family], low, high = split_conformal(y_tune, task.predict(models[family], X_tune), y_test,
                                                   predicted[family], NOMINAL)
    predictions[f"{family}_predicted"], predictions[f"{family}_low"], predictions[f"{family}_high"] = (
        predicted[family], low, high)
    c = conformal[family]
    print(f"{family}: {c['nominal']:.0%} split-conformal intervals (±{c['quantile']:.3g}, calibrated on "
          f"{c['n_calibration']} tune rows) hold {c['coverage']:.1%} of the {c['n']} test targets")
(run.dir / "artifacts").mkdir(parents=True, exist_ok=True)
predictions.to_csv(run.dir / "artifacts" / "05_predictions.csv", index=False, float_format="%.6g", lineterminator="\n")
pd.DataFrame(conformal).T

# %% tags=["regression"]
run.save_models({family: (models[family], tuned[family]["best_params"]) for family in finalists})
ledger = run.ledger_summary()
openings = run.test_openings()
print(f"this split's test set has been opened {ledger['openings']} time(s) in the project, in {ledger['runs']} "
      f"run(s), under {ledger['distinct_settings']} distinct setting(s); see {ledger['file']}")
artifact = run.save_artifact(
    "05_overfitting",
    {
        "task": "regression",
        "score": "r2",
        "tuning_metric": tuned[finalists[0]].get("metric", run.cfg.tuning.metric or "r2"),
        "threshold": threshold,
        "gaps": gaps,
        "flagged": flagged,
        "tune_panel": tune_panel,
        "finalists": {"network": NETWORK if NETWORK in finalists else None, "baseline": baseline},
        "learning_curves": curves,
        "rows": {"training_scores": scored, "learning_curves": curve_rows, "shuffled_labels": refit_rows},
        "gap_fits": gap_rows,
        "network_loss": {"epochs": len(history), "final_train_loss": history[-1]["train_loss"] if history else None,
                         "loss": models[NETWORK][-1].loss if NETWORK in models else None},
        "shuffled_labels": controls,
        "no_better_than_shuffled": no_better_than_null,
        "test": {
            "n": int(len(y_test)),
            "target": {"mean": round(float(y_test.mean()), 6), "sd": round(float(y_test.std(ddof=1)), 6)},
            "n_resamples": run.budget.bootstrap,
            "models": {family: {"metrics": test[family]["metrics"]} for family in finalists},
            "paired": paired,
        },
        "conformal": conformal,
        "predictions_file": "artifacts/05_predictions.csv",
        "test_openings": len(openings),
        "test_reopened": len(openings) > 1,
        "ledger": {"file": ledger["file"], "distinct_settings": ledger["distinct_settings"]},
        "models": {family: {"file": f"models/{family}.joblib", "params": tuned[family]["best_params"]}
                   for family in finalists},
    },
)

# %% [markdown]
# ## Your conclusion
# *Which models memorise the training data? Would more data help (learning curves)? Does each
# finalist clearly beat its shuffled-label refits? On the test set, is the difference between
# the network and the classical model larger than its interval — or is the simpler model enough?*
#
# …
