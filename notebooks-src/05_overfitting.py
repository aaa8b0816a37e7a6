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
import pandas as pd
from IPython.display import display

from {{ cookiecutter.module_name }}_engine import (
    NETWORK,
    REFIT_ROWS,
    Progress,
    Run,
    best_family,
    describe,
    gap_fit,
    gap_fits_sentence,
    plots,
    seed_everything,
    shuffled_sentence,
)

run = Run.open(run_dir, config, profile, overrides)
task = run.task
checks = task.overfitting  # how the task scores gaps, curves, shuffled targets and the test look
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

# %%
threshold = run.cfg.thresholds.overfit_gap  # for a number in R², which has no units, whatever the target's
models, gaps, tune_panel, gap_rows = {}, {}, {}, {}
fits = Progress(len(tuned), "05 tuned models refitted")  # progress here and in the run's terminal log
for family in tuned:
    models[family], X_scored, y_scored, gap_rows[family] = gap_fit(builder(family), X_train, y_train,
                                                                   family in finalists, run.seed,
                                                                   strata=task.stratify_labels)
    fits.step(family)
    gaps[family], tune_panel[family] = checks.gap_and_panel(models[family], X_scored, y_scored, X_tune, y_tune,
                                                            threshold, classes)
fits.close()
scored = gap_rows[finalists[0]]["training_scores"]  # the finalists' training rows (every non-finalist's: gap_rows)
print(gap_fits_sentence(gap_rows))
flagged = sorted(family for family, g in gaps.items() if g["flagged"])
figure = plots.train_tune_bars(gaps)
figure.axes[0].set_ylabel(checks.gap_axis)
run.save_figure(figure, "05_train_tune_gap")
print(f"gap threshold {threshold}{checks.gap_words}: flagged {', '.join(flagged) if flagged else 'none'}")
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

# %%
curves, curve_rows = {}, None
whole = not scored["subsampled"]  # the finalists' training scores read every training row: their fit is the last point
refits = Progress(checks.curve_refits(len(y_train), whole) * len(finalists), "05 learning-curve refits")
for family in finalists:
    curves[family], curve_rows = checks.learning_curve(refits.counting(builder(family), family), gaps[family],
                                                       X_train, y_train, X_tune, y_tune, run.seed, whole)
refits.close()
print(f"{describe(curve_rows)}; {curve_rows['refits']} refit(s) per finalist")
figure = checks.curve_figure(curves, curve_rows)
run.save_figure(figure, "05_learning_curves")
figure

# %% [markdown]
# The tuned network is refitted on the training split for the number of epochs its search found
# best (early stopping on the tune split, notebook 04). Its training loss should start near the
# untrained value (dashed) and level off; the tune-split curves of the small network are in notebook 03.

# %%
network = models[NETWORK].named_steps["model"] if NETWORK in models else None
history = network.history_ if network is not None else []
if history:  # the untrained loss: ln(classes) for classes, the target's variance on its standardised scale for a number
    figure = plots.loss_curve(history, reference=task.network.expected_initial_loss(network, y_train))
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

# %%
shuffled = task.report.shuffled  # what the control permutes: the labels, or the target
X_refit, y_refit, refit_rows = run.take(X_train, y_train, REFIT_ROWS, f"shuffled-{shuffled} refits")
print(describe(refit_rows))
runs_for = {NETWORK: run.budget.shuffled_label_runs_network}
n_refits = sum(runs_for.get(family, run.budget.shuffled_label_runs) for family in finalists)
refits = Progress(n_refits, f"05 shuffled-{shuffled} refits")
controls = {
    family: checks.shuffled_control(
        refits.counting(builder(family), family), X_refit, y_refit, X_tune, y_tune, observed=gaps[family]["tune"],
        n_runs=runs_for.get(family, run.budget.shuffled_label_runs), seed=run.seed,
    )
    for family in finalists
}
refits.close()
no_better_than_null = sorted(family for family, c in controls.items() if c["flagged"])
figure = plots.null_distributions(controls)
figure.axes[0].set_xlabel(checks.null_axis)
run.save_figure(figure, "05_shuffled_labels")
for family, control in controls.items():
    print(shuffled_sentence(family, control))
figure

# %% [markdown]
# ## The single look at the test set
# `run.open_test` logs the opening in this run's `test_audit.jsonl` and in the project's
# ledger next to the split file. A second opening in this run is refused unless
# `test_set.reopen_reason` in `lab.yaml` says why.

# %% [markdown] tags=["regression"]
# For a numeric target the panel is R² (share of the target's variance explained; 0 = the
# training mean), RMSE and MAE (typical error in the target's units; RMSE weighs large errors
# more), Pearson's r (linear agreement) and Spearman's ρ (agreement in rank), each with a 95%
# bootstrap interval over test rows. The paired interval of network − best baseline resamples
# the same rows for both models. Split-conformal intervals then give each test prediction a
# range meant to hold the truth 90% of the time: the half-width is a quantile of the absolute
# tune-split residuals of the model fitted on the training split, and the coverage actually
# reached on the test split is reported.

# %%
X_test, y_test = run.open_test(
    model=" and ".join(finalists),
    reason="final evaluation of the tuned network and the best tuned classical model",
    force_reason=run.cfg.test_set.reopen_reason,
)
look = run.show(checks.test_look(run, models, finalists, X_test, y_test, X_tune, y_tune))  # panel, intervals, figures

# %%
run.save_models({family: (models[family], tuned[family]["best_params"]) for family in finalists})
ledger = run.ledger_summary()
openings = run.test_openings()
print(f"this split's test set has been opened {ledger['openings']} time(s) in the project, in {ledger['runs']} "
      f"run(s), under {ledger['distinct_settings']} distinct setting(s); see {ledger['file']}")
artifact = run.save_artifact(
    "05_overfitting",
    {
        "task": run.cfg.task,
        **checks.record(run, tuned, finalists),
        "threshold": threshold,
        "gaps": gaps,
        "flagged": flagged,
        "tune_panel": tune_panel,
        "finalists": {"network": NETWORK if NETWORK in finalists else None, "baseline": baseline},
        "learning_curves": curves,
        "rows": {"training_scores": scored, "learning_curves": curve_rows, "shuffled_labels": refit_rows},
        "gap_fits": gap_rows,
        "network_loss": {"epochs": len(history), "final_train_loss": history[-1]["train_loss"] if history else None,
                         **checks.network_loss(models)},
        "shuffled_labels": controls,
        "no_better_than_shuffled": no_better_than_null,
        "test": look.values["test"],
        **look.values["extra"],
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
