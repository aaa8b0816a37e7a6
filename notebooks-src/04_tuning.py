# %% [markdown]
# # 04 · Tuning — the same search budget for every model
# **Tips 2 and 6** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# A tuned network compared with baselines left at their defaults flatters the network: any
# model looks better after a search. Here every model family in `lab.yaml` (`tuning.families`)
# — the classical models and the network — gets the same number of trials, the same training
# and tune splits, and a seeded search (Optuna's TPE sampler). The search spaces are declared
# in one place, `search_spaces.SEARCH_SPACES`; `tuning.fixed` in `lab.yaml` holds hyperparameters
# constant. Network trials stop early on the tune loss and unpromising ones are pruned (a
# median rule on the tune score every few epochs); a pruned trial still counts as a trial.
#
# The studies are kept in `tuning.sqlite3` in the run folder: if the search is interrupted,
# running this notebook again resumes it where it stopped. With `tuning.storage` set in
# `lab.yaml` (a journal file or a PostgreSQL database) they live there instead, so trials that
# `tune` workers (on a Slurm cluster, say) added to a family's study count towards its budget.
#
# Above `scale.TUNING_ROWS` training rows every trial of every family fits on the same
# stratified, seeded subsample of that size (recorded in the artifact), so the budgets stay
# equal in rows as well as trials; notebook 05 refits the finalists' chosen settings (the
# network and the best classical model) on the whole training split, and fits every other
# family on these same rows, as its best trial was. Above `scale.KERNEL_SVM_UP_TO` rows the SVM's kernel is approximated, so
# its search up to C = 1000 stays cheap.
#
# **Checklist**
# - [ ] every family ran the same number of trials
# - [ ] the best hyperparameters, the spread of the scores and the search strategy are recorded
# - [ ] the optimisation histories have levelled off (if not, raise `n_trials` in `lab.yaml`)

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import pandas as pd

from {{ cookiecutter.module_name }}_engine import (
    EARLY_STOPPING,
    EQUAL_BUDGETS_REASON,
    STORAGE_FILE,
    TUNING_ROWS,
    Run,
    default_workers,
    describe,
    fixed_params,
    mask_url,
    plots,
    run_storage_url,
    seed_everything,
    space_hash,
    strategy,
    study_name_for,
    timings_record,
    tune_families,
    write_json,
)

run = Run.open(run_dir, config, profile, overrides)
task = run.task
metric = task.metric(run.cfg.tuning.metric)  # the tune-split score every search maximises
seed_everything(run.seed)
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
X_train, y_train, trial_rows = run.take(X_train, y_train, TUNING_ROWS, "every tuning trial's training rows")
families = list(run.cfg.tuning.families)
fixed = fixed_params(run.cfg, run.root)
workers = default_workers(run.cfg.tuning.workers, run.budget.n_trials)
print(f"{len(families)} families × {run.budget.n_trials} trials each (profile '{run.cfg.profile}'), "
      f"{min(workers, len(families))} process(es) side by side; {describe(trial_rows)}")

# %%
outcome = tune_families(
    families, X_train, y_train, X_tune, y_tune, n_trials=run.budget.n_trials, seed=run.seed,
    storage=run_storage_url(run.cfg, run.root, run.dir), fixed=fixed, workers=workers, device=run.cfg.device,
    metric=metric,
)
results = outcome.results
table = pd.DataFrame(
    {
        family: {
            f"best tune {task.metric_label(metric)}": r["best_score"],
            "spread of top 3 (std)": r["spread"]["top_k_std"],
            "IQR of completed trials": f"{r['spread']['q1']:.3f}–{r['spread']['q3']:.3f}",
            "trials": r["n_trials"],
            "pruned": r["n_pruned"],
            "best parameters": r["best_params"],
        }
        for family, r in results.items()
    }
).T.sort_values(f"best tune {task.metric_label(metric)}", ascending=False)
table

# %% [markdown]
# Wall times vary from machine to machine and run to run, so they are kept in
# `timings/04_tuning.json` in the run folder, not with the results.

# %%
timings = timings_record(outcome)
write_json(run.dir / "timings" / "04_tuning.json", timings)
pd.Series(timings["seconds_per_family"], name="seconds").to_frame()

# %%
figure = plots.optimisation_history(results)
figure.axes[0].set_ylabel(f"best tuning score so far ({task.metric_label(metric)})")
run.save_figure(figure, "04_optimisation_history")
equal = len({r["n_trials"] for r in results.values()}) == 1
print(EQUAL_BUDGETS_REASON if equal else "Budgets were NOT equal: compare these families with care.")
run.save_artifact(
    "04_tuning",
    {
        "task": run.cfg.task,
        "metric": metric,
        "score_sign": task.sign(metric),
        "strategy": strategy(task.metric_label(metric)),
        "early_stopping": EARLY_STOPPING,
        "budget_per_family": run.budget.n_trials,
        "training_rows_per_trial": trial_rows,
        "equal_budgets": equal,
        "equal_budgets_statement": EQUAL_BUDGETS_REASON if equal else None,
        "families": families,
        "fixed": fixed,
        "storage": {
            "file": STORAGE_FILE if run.cfg.tuning.storage is None else None,
            "shared": mask_url(run.cfg.tuning.storage) if run.cfg.tuning.storage else None,
            "studies": {family: study_name_for(family) for family in families},
        },
        "search_spaces": {family: space_hash(family, fixed.get(family)) for family in families},
        "results": results,
    },
)
figure

# %% [markdown]
# ## Your conclusion
# *After equal tuning, does the network beat the best classical model by more than the
# spread between trials? Would you report the network, a baseline, or both?*
#
# …
