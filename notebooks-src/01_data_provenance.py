# %% [markdown]
# # 01 · Data provenance — where the data came from, what is in it, and the split
# **Tip 4** (know your data) and **Tip 7** (train / tune / test) of Lee et al. (2022),
# PLoS Comput Biol 18(3): e1009803.
#
# Every input file is checked against `data/manifest.yaml` (source, version, licence,
# sha256) before it is used. The table is then explored for problems that would mislead a
# model — rare classes, gaps, duplicated or nearly duplicated samples, subjects measured more
# than once, batches that predict the label — and split once into train, tune and test sets,
# stratified by class and kept whole by group. The split is stored in `data/splits/` with the
# data's hash and reused by every later run; anything that crosses it stops the run.
#
# **Checklist**
# - [ ] every input is listed in `data/manifest.yaml` and its hash matches
# - [ ] class balance, missing values, exact and near-duplicate rows looked at
# - [ ] repeated subjects and batch structure (PCA by group, group → label check) looked at
# - [ ] the split respects groups (patients, sites, batches) if `data.group_column` is set
# - [ ] the leakage report is empty and the test set is left alone until notebook 05
# - [ ] the datasheet's "by person" answers filled in for the report

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import pandas as pd

from {{ cookiecutter.module_name }} import explore, plots
from {{ cookiecutter.module_name }}.preprocess import is_sequences
from {{ cookiecutter.module_name }}.provenance import datasheet_draft, find_source, load_manifest
from {{ cookiecutter.module_name }}.runs import Run
from {{ cookiecutter.module_name }}.splits import (
    check_leakage,
    homology_leakage,
    homology_report,
    homology_warnings,
    leakage_report,
    load_or_make_split,
    save_split_record,
)

run = Run.open(run_dir, config, profile, overrides)
hashes = run.input_hashes()  # stops here, naming the file and both hashes, if an input changed
sources = load_manifest(run.root)
manifest = pd.DataFrame([s.model_dump() for s in sources])
manifest.set_index("path")[["source", "accession", "version", "retrieved", "licence", "sha256"]].T  # one field per row

# %% [markdown]
# ## What is in the table

# %%
data = run.data
summary = explore.summarize(data.X, data.y)
duplicates = explore.duplicate_rows(data.X)
print(f"{summary['n_rows']} samples × {summary['n_columns']} features; "
      f"{len(summary['columns_with_missing'])} column(s) with missing values; "
      f"{summary['n_duplicate_groups']} group(s) of identical rows")
missing = explore.missingness(data.X)
missing = missing[missing["n_missing"] > 0]
missing if len(missing) else print("No missing values in any column.")

# %% [markdown]
# ## The split (made once, kept in `data/splits/` with the data's hash)

# %%
split, record, is_new = load_or_make_split(run.cfg, run.root, data, hashes[run.cfg.data.path], run.command)
print(f"{'made a new' if is_new else 'reusing the recorded'} split {record['file']}: {split.sizes()}")
by_part = pd.DataFrame(
    {part: pd.Series(data.y[getattr(split, part)]).value_counts() for part in ("train", "tune", "test")}
).fillna(0).astype(int)
by_part.index.name = "class"
figure = plots.split_composition(by_part)
run.save_figure(figure, "01_split_composition")
figure

# %% [markdown]
# ## Near duplicates, related sequences, repeated subjects and batch structure
# **Tables.** Distances and the PCA use the features as the models see them, scaled on the
# training part only. Two rows are near duplicates when every standardised feature differs by
# at most `thresholds.near_duplicate_sd` standard deviations and every category is equal.
#
# **Sequences.** The near duplicates of sequence data are related sequences — paralogues,
# orthologues, overlapping windows. Each sequence is summarised by its k-mer counts
# (`sequence.homology.k`) and two count as related when the cosine similarity of those profiles
# reaches `sequence.homology.threshold`. Related sequences are clustered and each cluster goes
# whole into one part of the split; the figure compares, for every test sequence, its closest
# training sequence in this split and in a plain random split of the same data.

# %%
sequences = is_sequences(data.X)
subjects = explore.repeated_subjects(data.groups)
confounding = explore.group_predicts_label(data.groups, data.y, run.cfg.thresholds.confounding, run.seed)
if sequences:
    tolerance, near, explained = None, [], None
    profile_of_sequences = explore.sequence_profile(data.X, data.y)
    homology, closest = homology_report(run.cfg, data, split)
    related = homology["this_split"]["test_to_train"]
    print(f"{homology['n_clusters']} clusters of related sequences (largest {homology['largest_cluster']}); "
          f"closest test-training pair {related['closest_pair']} at similarity {related['max']:.3f}; "
          f"a random split's closest pair: {homology['random_split']['test_to_train']['max']:.3f}")
    figure = plots.homology_similarity(closest, homology["threshold"])
    run.save_figure(figure, "01_homology")
else:
    profile_of_sequences, homology = None, None
    tolerance = run.cfg.thresholds.near_duplicate_sd
    Z = explore.standardised(data.X, split.train)
    near = explore.near_duplicate_pairs(Z, tolerance, duplicates)
    coords, explained = explore.pca_projection(Z, run.seed)
    print(f"near-duplicate pairs: {len(near)}")
    figure = plots.pca_scatter(coords, data.y, data.groups, explained)
    run.save_figure(figure, "01_pca")
print(f"repeated subjects: {subjects or 'no group column set'}; "
      f"group → label: {confounding or 'no group column set'}")
figure

# %% [markdown]
# ## Leakage report — nothing may cross the split
# A group, an exact duplicate, a near duplicate or (for sequences) a related sequence found in
# two parts lets a model score by recognising training samples; the run stops here, naming them.

# %%
leakage = leakage_report(split, data.ids, data.groups, duplicates, near)
if sequences:
    leakage["related_sequences"] = homology_leakage(homology)
check_leakage(leakage, run.cfg.data.path, run.command)
if is_new:
    save_split_record(run.root, record)
warnings = summary["warnings"] + explore.structure_warnings(near, subjects, confounding, tolerance)
warnings += homology_warnings(homology) if sequences else []
for item in warnings:
    print(f"warning ({item['check']}): {item['message']}")
print(f"leakage: none; {len(warnings)} warning(s)")

# %% [markdown]
# ## Datasheet draft
# Filled in from what the run knows; entries marked **by person** are for the study's authors.

# %%
datasheet = datasheet_draft(
    run.cfg, find_source(sources, run.cfg.data.path), summary, record, subjects, len(near)
)
pd.DataFrame(
    [
        {"section": section, "question": field.replace("_", " "),
         "answer": entry["value"] if entry["by"] == "run" else "— by person —"}
        for section, fields in datasheet.items()
        for field, entry in fields.items()
    ]
).set_index(["section", "question"])

# %%
run.save_artifact("split", {**record, "leakage": leakage})
artifact = run.save_artifact(
    "01_data_provenance",
    {
        "inputs": hashes,
        "manifest": manifest.to_dict(orient="records"),
        "summary": summary,
        "warnings": warnings,
        "near_duplicates": {
            "rule": f"every standardised feature within {tolerance:g} SD, categories equal" if tolerance is not None
            else "related sequences (see homology)",
            "pairs": [[str(data.ids[i]), str(data.ids[j])] for i, j in near],
        },
        "sequences": profile_of_sequences,
        "sequence_length_policy": data.sequence_info,
        "homology": homology,
        "repeated_subjects": subjects,
        "confounding": confounding,
        "pca_explained_variance": explained,
        "split_file": record["file"],
        "split_sizes": split.sizes(),
        "split_classes": {part: by_part[part].to_dict() for part in by_part.columns},
        "groups_crossing_splits": leakage["groups"],
        "leakage": leakage,
        "datasheet": datasheet,
    },
)

# %% [markdown]
# ## Your conclusion
# *How were these samples collected, and by whom? Is anything in the table (a batch, a site,
# a repeated patient) likely to let a model take a shortcut? Is the split fair to the question?*
#
# …
