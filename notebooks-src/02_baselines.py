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
import pandas as pd

from {{ cookiecutter.module_name }}_engine.figures import plots
from {{ cookiecutter.module_name }}_engine.models.baselines import PRIOR, preprocessing_description, shared_preprocessing
from {{ cookiecutter.module_name }}_engine.models.netinputs import network_preprocessing
from {{ cookiecutter.module_name }}_engine.models.preprocess import is_sequences
from {{ cookiecutter.module_name }}_engine.runner.runs import Run
from {{ cookiecutter.module_name }}_engine.evaluation.scale import SCORING_ROWS, Progress, describe, take

run = Run.open(run_dir, config, profile, overrides)
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
print(f"train: {len(y_train)} samples, tune: {len(y_tune)} samples")

# %% tags=["classification"]
from {{ cookiecutter.module_name }}_engine.models.baselines import make_baselines
from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import metric_panel, score_model

baselines = make_baselines(X_train, seed=run.seed)
sharing = baselines if is_sequences(X_train) else {**baselines, "network": network_preprocessing(X_train)}
same_prep = shared_preprocessing(sharing)
who = "every baseline shares" if is_sequences(X_train) else "every baseline and the network share"
print(f"{who} one training-only preprocessor: {same_prep}\nthey read {preprocessing_description(X_train)}")
X_scored, y_scored, scored = take(X_train, y_train, SCORING_ROWS, run.seed, "training scores")
print(describe(scored))
rows = {}
fits = Progress(len(baselines), "02 baselines fitted and scored")  # progress here and in the run's terminal log
for name, model in baselines.items():
    fits.begin(name)
    model.fit(X_train, y_train)
    panel = metric_panel(y_tune, model.predict_proba(X_tune), list(model.classes_))
    rows[name] = {"train_score": score_model(model, X_scored, y_scored), **{f"tune_{k}": v for k, v in panel.items()}}
fits.close()
svm_method = baselines["svm"][-1].calibrated_classifiers_[0].estimator.method_
print(f"svm: {svm_method}")
for name, row in rows.items():
    row["beats_prior"] = name != PRIOR and row["tune_roc_auc"] > rows[PRIOR]["tune_roc_auc"]
table = pd.DataFrame.from_dict(rows, orient="index").sort_values("tune_roc_auc", ascending=False)
table.round(3)

# %% tags=["classification"]
figure = plots.score_bars(
    table, "tune_roc_auc", reference=rows[PRIOR]["tune_roc_auc"],
    title="Default baselines on the tune split (ROC-AUC; dashed: prior model)",
)
run.save_figure(figure, "02_baselines")
run.save_artifact(
    "02_baselines",
    {
        "models": rows,
        "score": "roc_auc",
        "split": "tune",
        "settings": "defaults",
        "shared_preprocessing": same_prep,
        "preprocessing": preprocessing_description(X_train),
        "training_scores_on": scored,
        "svm_method": svm_method,
        "not_beating_prior": sorted(n for n, r in rows.items() if n != PRIOR and not r["beats_prior"]),
    },
)
figure

# %% tags=["regression"]
from {{ cookiecutter.module_name }}_engine.tasks.regression.models import LABELS, make_regression_baselines
from {{ cookiecutter.module_name }}_engine.tasks.registry import metric_label, primary_metric, task_for

task, metric = task_for(run.cfg), primary_metric(run.cfg)
baselines = make_regression_baselines(X_train, seed=run.seed)
sharing = baselines if is_sequences(X_train) else {**baselines, "network": network_preprocessing(X_train)}
same_prep = shared_preprocessing(sharing)
who = "every baseline shares" if is_sequences(X_train) else "every baseline and the network share"
print(f"{who} one training-only preprocessor: {same_prep}\nthey read {preprocessing_description(X_train)}")
X_scored, y_scored, scored = take(X_train, y_train, SCORING_ROWS, run.seed, "training scores")
print(describe(scored))
rows = {}
fits = Progress(len(baselines), "02 baselines fitted and scored")  # progress here and in the run's terminal log
for name, model in baselines.items():
    fits.begin(name)
    model.fit(X_train, y_train)
    panel = task.panel(y_tune, task.predict(model, X_tune))
    rows[name] = {"train_score": task.score(model, X_scored, y_scored, metric),
                  "tune_score": task.score(model, X_tune, y_tune, metric), **{f"tune_{k}": v for k, v in panel.items()}}
fits.close()
for name, row in rows.items():
    row["beats_prior"] = name != PRIOR and row["tune_score"] > rows[PRIOR]["tune_score"]
table = pd.DataFrame.from_dict(rows, orient="index").sort_values("tune_score", ascending=False)
table.index = [f"{LABELS[n]}{'' if n == PRIOR or rows[n]['beats_prior'] else ' (NOT above the mean predictor)'}"
               for n in table.index]
table.round(3)

# %% tags=["regression"]
figure = plots.score_bars(
    pd.DataFrame.from_dict(rows, orient="index").sort_values("tune_score", ascending=False), f"tune_{metric}",
    reference=rows[PRIOR][f"tune_{metric}"],
    title=f"Default baselines on the tune split ({metric_label(metric).lstrip('−')}; dashed: mean predictor)",
    words=LABELS,
)
run.save_figure(figure, "02_baselines")
run.save_artifact(
    "02_baselines",
    {
        "task": run.cfg.task,
        "models": rows,
        "score": metric,
        "score_sign": task.sign(metric),
        "prior_label": task.prior_label,
        "split": "tune",
        "settings": "defaults",
        "shared_preprocessing": same_prep,
        "preprocessing": preprocessing_description(X_train),
        "training_scores_on": scored,
        "not_beating_prior": sorted(n for n, r in rows.items() if n != PRIOR and not r["beats_prior"]),
    },
)
figure

# %% [markdown]
# ## Your conclusion
# *Which simple model is the one to beat? Is the problem already easy (scores near 1) — in
# which case a network has little room to add anything?*
#
# …
