# %% [markdown]
# # 04 · Tuning — the same search budget for every model
# **Tips 2 and 6** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# A tuned network compared with untuned baselines flatters the network. Here every model
# family — the five classical models and the network — gets the same number of trials, the
# same training and tune splits, and a seeded search (Optuna's TPE sampler). The search
# spaces are declared in one place, `tuning.SEARCH_SPACES`.
#
# **Checklist**
# - [ ] every family ran the same number of trials
# - [ ] the best hyperparameters and the search strategy are recorded
# - [ ] the optimisation histories have levelled off (if not, raise the budget in `lab.yaml`)

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import pandas as pd

from {{ cookiecutter.module_name }} import plots
from {{ cookiecutter.module_name }}.baselines import CLASSICAL
from {{ cookiecutter.module_name }}.nets import seed_everything
from {{ cookiecutter.module_name }}.runs import Run
from {{ cookiecutter.module_name }}.tuning import tune_all

run = Run.open(run_dir, config, profile, overrides)
seed_everything(run.seed)
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
families = [*CLASSICAL, "network"]
print(f"{len(families)} families × {run.budget.n_trials} trials each (profile '{run.cfg.profile}')")

# %%
results = tune_all(
    families, X_train, y_train, X_tune, y_tune,
    n_trials=run.budget.n_trials, seed=run.seed, fixed={"network": {"epochs": run.budget.epochs}},
)
table = pd.DataFrame(
    {
        family: {"best tune ROC-AUC": r["best_score"], "trials": r["n_trials"], "best parameters": r["best_params"]}
        for family, r in results.items()
    }
).T.sort_values("best tune ROC-AUC", ascending=False)
table

# %%
figure = plots.optimisation_history({family: r["trials"] for family, r in results.items()})
run.save_figure(figure, "04_optimisation_history")
run.save_artifact(
    "04_tuning",
    {
        "strategy": "Optuna TPE sampler, seeded; maximise ROC-AUC on the tune split",
        "budget_per_family": run.budget.n_trials,
        "equal_budgets": len({r["n_trials"] for r in results.values()}) == 1,
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
