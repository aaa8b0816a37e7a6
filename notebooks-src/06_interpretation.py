# %% [markdown]
# # 06 · Interpretation — which inputs the model leans on
# **Tips 8 and 9** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# Permutation importance shuffles one input column at a time on the tune split and measures
# how much the score drops. It works the same way for every model, network included.
# Importances describe what the model uses; they are associations, not causes (Tip 9).
#
# Correlated inputs share their importance: when several columns carry the same signal
# (radius, perimeter and area of a nucleus, say), shuffling one leaves the others to stand in,
# so each looks unimportant on its own. Small values therefore do not mean the biology is
# irrelevant — check correlated groups together before drawing conclusions.
#
# **Checklist**
# - [ ] the most important inputs make biological sense to a domain expert
# - [ ] no identifier, batch or site column among the top inputs (a shortcut)
# - [ ] intervals looked at: an importance whose interval crosses zero is noise

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
from {{ cookiecutter.module_name }} import plots
from {{ cookiecutter.module_name }}.interpret import permutation_importance_table
from {{ cookiecutter.module_name }}.nets import seed_everything
from {{ cookiecutter.module_name }}.runs import Run
from {{ cookiecutter.module_name }}.tuning import best_family, build_model

run = Run.open(run_dir, config, profile, overrides)
seed_everything(run.seed)
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
tuned = run.load_artifact("04_tuning")["results"]
family = best_family(tuned)
model = build_model(family, X_train, tuned[family]["best_params"], seed=run.seed).fit(X_train, y_train)
print(f"interpreting the best tuned model: {family}")

# %%
importance = permutation_importance_table(
    model, X_tune, y_tune, n_repeats=run.budget.permutation_repeats, seed=run.seed
)
importance.head(15).round(4)

# %%
figure = plots.importance_bar(importance, top=15)
run.save_figure(figure, "06_permutation_importance")
noise = importance.loc[importance["ci_low"] <= 0, "feature"].tolist()
run.save_artifact(
    "06_interpretation",
    {
        "model": family,
        "method": "permutation importance on the tune split",
        "repeats": run.budget.permutation_repeats,
        "importance": importance.to_dict(orient="records"),
        "indistinguishable_from_zero": noise,
        "caution": (
            "Importances show which inputs this model relies on for its predictions on these "
            "data; they are associations, not evidence that an input causes the outcome."
        ),
    },
)
figure

# %% [markdown]
# ## Your conclusion
# *Do the top inputs agree with what is known about the biology? Which result would you
# not claim from this analysis?*
#
# …
