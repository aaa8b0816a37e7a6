# %% [markdown]
# # 02 · Baselines — classical models first
# **Tip 2** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# Five classical models — logistic regression, random forest, k-nearest neighbours, naive
# Bayes and a support vector machine (its probabilities calibrated by cross-validation) — plus
# a prior baseline that always predicts the class frequencies. Each is a pipeline whose
# preprocessing is fitted on the training split only and shared by all of them, so no model
# gets better data handling than another. Here they run with default settings and are scored
# on the tune split; notebook 04 tunes them with the same budget as the network.
#
# At scale (Tip 1's thousands of samples) two costs would grow faster than the rows, so they
# change above a size and the artifact records which: the SVM's RBF kernel is approximated
# (Nystroem features + a linear SVM) above `scale.KERNEL_SVM_UP_TO` training rows, and
# training scores are read on a stratified, seeded subsample of `scale.SCORING_ROWS` rows.
#
# **Checklist**
# - [ ] every model clearly beats the prior baseline on the tune split
# - [ ] the metric panel read, not only the headline score

# %% [markdown] tags=["regression"]
# For a numeric target the models are a **mean predictor** (the prior: it always predicts the
# training mean, R² ≈ 0), ridge regression, a random forest, k-nearest neighbours and support
# vector regression (fitted on the standardised target, predictions mapped back). They are
# scored on the tune split by the metric of `tuning.metric` in `lab.yaml` (R² by default) and the
# whole panel — R², RMSE, MAE, Pearson and Spearman — is shown; a model that does not beat the
# mean predictor is marked.

# %% [markdown] tags=["tabular"]
# The shared preprocessing is imputation, scaling and encoding, and the network of notebook 03
# starts with the very same preprocessor.

# %% [markdown] tags=["sequence"]
# The classical models read k-mer frequencies (how often each short word of `sequence.kmer`
# letters occurs), a summary that forgets where each word sits; the network of notebook 03
# reads the letters in order.

# %% [markdown] tags=["image"]
# The classical models read hand-crafted image features — per channel the intensity (mean,
# spread, percentiles), texture (grey-level co-occurrence) and shape of the Otsu foreground
# (objects, area, eccentricity, solidity), computed with scikit-image — standardised on the
# training split; the network of notebook 03 reads the pixels themselves.

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
from {{ cookiecutter.module_name }}_engine import (
    SCORING_ROWS,
    Progress,
    Run,
    describe,
    preprocessing_description,
    shared_preprocessing,
)

run = Run.open(run_dir, config, profile, overrides)
task = run.task
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
print(f"train: {len(y_train)} samples, tune: {len(y_tune)} samples")

# %%
baselines_of = task.baselines  # the task's classical models, how each is scored and shown
metric = task.metric(run.cfg.tuning.metric)  # the tune-split score that ranks them
baselines = baselines_of.make(X_train, seed=run.seed)
same_prep = shared_preprocessing({**baselines, **run.modality.network_stand_in(X_train)})
print(f"{run.modality.shared_with} one training-only preprocessor: {same_prep}\n"
      f"they read {preprocessing_description(X_train)}")
X_scored, y_scored, scored = run.take(X_train, y_train, SCORING_ROWS, "training scores")
print(describe(scored))
rows = {}
fits = Progress(len(baselines), "02 baselines fitted and scored")  # progress here and in the run's terminal log
for name, model in baselines.items():
    fits.begin(name)
    model.fit(X_train, y_train)
    rows[name] = baselines_of.row(model, X_scored, y_scored, X_tune, y_tune, metric)
fits.close()
lines, chosen = baselines_of.notes(baselines)  # what the fitted models chose (e.g. the SVM's scaling)
for line in lines:
    print(line)
key = baselines_of.rank_key(metric)
for name, row in rows.items():
    row["beats_prior"] = name != task.prior and row[key] > rows[task.prior][key]
table = baselines_of.table(rows, key)
table.round(3)

# %%
figure = baselines_of.figure(task, rows, table, metric)
run.save_figure(figure, "02_baselines")
run.save_artifact(
    "02_baselines",
    {
        **baselines_of.record(task, metric),
        "models": rows,
        "split": "tune",
        "settings": "defaults",
        "shared_preprocessing": same_prep,
        "preprocessing": preprocessing_description(X_train),
        "training_scores_on": scored,
        **chosen,
        "not_beating_prior": sorted(n for n, r in rows.items() if n != task.prior and not r["beats_prior"]),
    },
)
figure

# %% [markdown]
# ## Your conclusion
# *Which simple model is the one to beat? Is the problem already easy (scores near 1) — in
# which case a network has little room to add anything?*
#
# …
