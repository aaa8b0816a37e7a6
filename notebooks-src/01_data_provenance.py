# %% [markdown]
# # 01 · Data provenance — where the data came from, what is in it, and the split
# **Tip 4** (know your data) and **Tip 7** (train / tune / test) of Lee et al. (2022),
# PLoS Comput Biol 18(3): e1009803.
#
# Every input file is checked against `data/manifest.yaml` (source, version, licence,
# sha256) before it is used. The table is then explored for problems that would mislead a
# model, and split once into train, tune and test sets, stratified by class and kept whole
# by group.
#
# **Checklist**
# - [ ] every input is listed in `data/manifest.yaml` and its hash matches
# - [ ] class balance, missing values and duplicate rows looked at
# - [ ] the split respects groups (patients, sites, batches) if `data.group_column` is set
# - [ ] the test set is left alone until notebook 05

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import pandas as pd

from {{ cookiecutter.module_name }} import explore, plots
from {{ cookiecutter.module_name }}.provenance import load_manifest
from {{ cookiecutter.module_name }}.runs import Run
from {{ cookiecutter.module_name }}.splits import groups_crossing, make_split

run = Run.open(run_dir, config, profile, overrides)
hashes = run.input_hashes()  # stops here, naming the file, if an input changed
manifest = pd.DataFrame([s.model_dump() for s in load_manifest(run.root)])
manifest.set_index("path")[["source", "accession", "version", "retrieved", "licence", "sha256"]].T  # one field per row

# %% [markdown]
# ## What is in the table

# %%
data = run.data
summary = explore.summarize(data.X, data.y)
for warning in summary["warnings"]:
    print(f"warning: {warning}")
print(f"{summary['n_rows']} samples × {summary['n_columns']} features; "
      f"{len(summary['columns_with_missing'])} column(s) with missing values; "
      f"{summary['n_duplicate_groups']} group(s) of duplicate rows")
missing = explore.missingness(data.X)
missing = missing[missing["n_missing"] > 0]
missing if len(missing) else print("No missing values in any column.")

# %% [markdown]
# ## The split (made once, recorded with the data's hash)

# %%
split = make_split(data.y, data.groups, run.cfg.split.train, run.cfg.split.tune, run.seed)
crossing = groups_crossing(split, data.groups)
by_part = pd.DataFrame(
    {part: pd.Series(data.y[getattr(split, part)]).value_counts() for part in ("train", "tune", "test")}
).fillna(0).astype(int)
by_part.index.name = "class"
figure = plots.split_composition(by_part)
run.save_figure(figure, "01_split_composition")
by_part

# %%
run.save_artifact(
    "split",
    {"data_sha256": hashes[run.cfg.data.path], "seed": run.seed, "parts": split.to_dict(data.ids)},
)
run.save_artifact(
    "01_data_provenance",
    {
        "inputs": hashes,
        "manifest": manifest.to_dict(orient="records"),
        "summary": summary,
        "split_sizes": split.sizes(),
        "split_classes": {part: by_part[part].to_dict() for part in by_part.columns},
        "groups_crossing_splits": crossing,
    },
)
print(f"split sizes: {split.sizes()}; groups crossing splits: {crossing or 'none'}")
figure

# %% [markdown]
# ## Your conclusion
# *How were these samples collected, and by whom? Is anything in the table (a batch, a site,
# a repeated patient) likely to let a model take a shortcut? Is the split fair to the question?*
#
# …
