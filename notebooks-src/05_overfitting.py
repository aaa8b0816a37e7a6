# %% [markdown]
# # 05 · Overfitting — compare training and tuning scores
# **Tip 7** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# A model that scores much better on the data it was trained on than on held-out data has
# memorised rather than learned. Each tuned model is refitted on the training split with its
# best hyperparameters and scored on both splits; a gap above `thresholds.overfit_gap` in
# `lab.yaml` is flagged.
#
# **Checklist**
# - [ ] train and tune scores compared for every tuned model
# - [ ] flagged models examined (regularise, shrink, or collect more data)

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import pandas as pd

from {{ cookiecutter.module_name }} import plots
from {{ cookiecutter.module_name }}.evaluate import train_tune_gap
from {{ cookiecutter.module_name }}.nets import seed_everything
from {{ cookiecutter.module_name }}.runs import Run
from {{ cookiecutter.module_name }}.tuning import build_model

run = Run.open(run_dir, config, profile, overrides)
seed_everything(run.seed)
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
tuned = run.load_artifact("04_tuning")["results"]

# %%
threshold = run.cfg.thresholds.overfit_gap
gaps = {}
for family, result in tuned.items():
    model = build_model(family, X_train, result["best_params"], seed=run.seed).fit(X_train, y_train)
    gaps[family] = train_tune_gap(model, X_train, y_train, X_tune, y_tune, threshold)
table = pd.DataFrame(gaps).T.sort_values("gap", ascending=False)
table

# %%
figure = plots.train_tune_bars(gaps)
run.save_figure(figure, "05_train_tune_gap")
flagged = sorted(family for family, g in gaps.items() if g["flagged"])
print(f"gap threshold {threshold}: flagged {', '.join(flagged) if flagged else 'none'}")
run.save_artifact("05_overfitting", {"threshold": threshold, "gaps": gaps, "flagged": flagged, "score": "roc_auc"})
figure

# %% [markdown]
# ## Your conclusion
# *Which models memorise the training data? Is the gap large enough to change which model
# you would trust?*
#
# …
