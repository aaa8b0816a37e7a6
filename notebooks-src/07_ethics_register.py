# %% [markdown]
# # 07 · Ethics register — concerns raised, tracked and resolved
# **Tip 10** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# The paper suggests keeping an ethics register the way software projects keep an issue
# tracker: concerns are raised, owned, discussed and closed. This study's register is
# `ethics/register.yaml`. This notebook
#
# 1. measures performance per **subgroup** declared in `lab.yaml` (`data.subgroup_columns`):
#    for classes the balanced accuracy, ROC-AUC and MCC of each group; for a numeric target
#    (`task: regression`) its size, mean target, R² and mean absolute error;
# 2. runs **automatic checks** — sensitive data, subgroup gaps, a small test set, strong class
#    imbalance (classes only), a reopened test split, leakage or confounding found in 01 (the
#    group column and every metadata column), a finalist no better than shuffled labels in 05, a
#    shortcut through metadata or a surrogate rule on a metadata column in 06 — and adds an open
#    entry to the register for each new finding (a finding already in the register, whatever a
#    person has since written there, is left alone);
# 3. lists what still **blocks release**. `{{ cookiecutter.module_name }} release` refuses to
#    export a model while any blocking entry is open, and never exports weights trained on
#    sensitive data without a resolved entry that says `permits: model_sharing`.
#
# **Checklist**
# - [ ] every open entry has an owner (automatic entries start as "to be assigned")
# - [ ] entries that block release are resolved before the model or its weights leave the lab
# - [ ] `data.sensitive` in `lab.yaml` is set truthfully
# - [ ] subgroup columns declared for the people or sources the model will be used on

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
from datetime import date

import pandas as pd
from IPython.display import display

from {{ cookiecutter.module_name }}_engine import (
    NETWORK,
    Run,
    best_family,
    blocking_entries,
    check_status,
    declared_columns,
    earlier_findings,
    entry_records,
    open_entries,
    raise_entries,
    read_earlier,
    register_table,
    run_findings,
    seed_everything,
    sensitive_finding,
    small_test_finding,
    tuned_models,
)

run = Run.open(run_dir, config, profile, overrides)
seed_everything(run.seed)
settings = run.cfg.ethics
view = run.task.ethics  # what differs for classes and numbers
X_tune, y_tune = run.part("tune")
tuned = run.load_artifact("04_tuning")["results"]
baseline = best_family({family: result for family, result in tuned.items() if family != NETWORK})

# %% [markdown]
# ## Performance by subgroup
# Metrics are computed on the **tune split** for the tuned network and the best tuned
# baseline: the test split stays closed outside notebook 05. Numeric columns are cut into
# quantile bins whose edges come from the training split; groups smaller than
# `ethics.subgroup_min_count` get no metrics, and pairs of columns are shown only where they
# are large enough. The built-in example data hold no demographic column, so any measured
# column can be declared to try this out; a real study would declare sex, age band, ancestry,
# site or scanner here. For a numeric target the flagged gap is the spread of the mean absolute
# error across a column's groups, as a share of the overall MAE (`ethics.subgroup_mae_gap`):
# R² is shown too, but a group whose targets span a narrow range has a low R² however small
# its errors, so it is not used to flag.

# %%
split = run.split()
columns = run.cfg.data.subgroup_columns
subgroups = {"columns": columns, "split": "tune", "metric_for_gaps": view.gap_metric, "gap": view.gap_words,
             "threshold": view.threshold(settings)}
gaps = {}
if columns:
    frame = declared_columns(run.cfg, run.root, "subgroup_columns")
    models = tuned_models(run, [NETWORK, baseline])
    table, gaps, overall, definitions = view.report(
        models,
        frame.iloc[split.train].reset_index(drop=True),
        frame.iloc[split.tune].reset_index(drop=True),
        X_tune,
        y_tune,
        settings,
    )
    subgroups.update(definitions=definitions, table=table.to_dict(orient="records"), gaps=gaps, overall=overall)
    figure = view.figure(table, overall)
    run.save_figure(figure, "07_subgroup_metrics")
    display(table.round(3))
    display(figure)
else:
    print("no subgroup columns declared (data.subgroup_columns in lab.yaml); "
          "performance was not compared across groups")

# %% [markdown]
# ## Automatic checks and the register
# Each finding has a stable key (the entry's `auto` field), so rerunning never adds it twice and
# never changes what a person wrote in the entry.

# %%
findings = [
    *sensitive_finding(run.cfg.data.sensitive),
    *view.findings(gaps, view.threshold(settings)),
    *small_test_finding(len(split.test), settings.min_test_samples),
    *view.imbalance(run.data.y, settings.imbalance_ratio),
    *earlier_findings(**read_earlier(run.dir)),
    *run_findings(run.dir, run.cfg.data.metadata_columns),  # confounding (01), memorisation (05), shortcuts (06)
]
register = raise_entries(run.root / "ethics" / "register.yaml", findings, date.today())
checks = check_status(findings, register)
if not checks:
    print("no automatic check raised an entry in this run (sensitive data, subgroup gaps, a small test set, "
          "imbalance, a reopened test set, leakage, confounding, shuffled-label control, shortcuts)")
pd.DataFrame(checks, columns=["check", "entry", "status", "blocks_release"]) if checks else None

# %%
still_open = open_entries(register)
blocking = blocking_entries(register)
run.save_artifact(
    "07_ethics_register",
    {
        "task": run.cfg.task,
        "sensitive_data": run.cfg.data.sensitive,
        "entries": entry_records(register),
        "open": [entry.id for entry in still_open],
        "blocking": [entry.id for entry in blocking],
        "blocking_open": [entry.id for entry in blocking],
        "checks": checks,
        "subgroups": subgroups,
    },
)
print(f"{len(register)} entries; {len(still_open)} open; {len(blocking)} blocking release")
for entry in blocking:
    print(f"  blocks release: {entry.id} — {entry.title} (owner: {entry.owner})")
if run.cfg.data.sensitive:
    print("data.sensitive is true: trained weights must not leave the lab without a resolved entry "
          "that says 'permits: model_sharing'")
register_table(register)

# %% [markdown]
# ## Your conclusion
# *Who could be harmed if this model is wrong, or used outside the population it was trained
# on? Which groups does it serve worst, and what must happen before it is shared?*
#
# …
