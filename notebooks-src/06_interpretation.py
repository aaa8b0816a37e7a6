# %% [markdown]
# # 06 · Interpretation — which inputs the models lean on, and how far to trust that
# **Tips 8 and 9** of Lee et al. (2022), PLoS Comput Biol 18(3): e1009803.
#
# Interpretation methods are hypotheses about a model, not facts about biology. This notebook
# asks the same question — which inputs matter? — in several independent ways and keeps only
# what they agree on:
#
# 1. **Permutation importance** on the tune split, for the tuned network and the best tuned
#    baseline: shuffle one raw column, measure the drop in ROC-AUC (R² when the target is a
#    number, `task: regression`), repeat for an interval.
# 2. **Integrated gradients** for the network: the prediction is traced back to each input
#    along a path from an average training sample (zero after standardisation) to the sample.
# 3. **Agreement and stability**: rank correlations between methods, between models and
#    between networks trained from different seeds. A ranking that moves with the seed alone
#    describes a training run, not the data.
# 4. **A readable surrogate**: a shallow decision tree that imitates the network, so a domain
#    expert can read its rules (a regression tree for a numeric target, each leaf a predicted value). Lee et al. recount a study of pneumonia deaths in which a
#    rule-based model, fitted to the hospital records, held that asthma *lowers* the risk: the
#    records said so only because asthmatic patients had been treated more aggressively, and
#    the most accurate model, a neural network, had learned the same rule. Accurate models can
#    learn rules like that; only a person who knows the field can spot them.
# 5. **A shortcut check**: could metadata (batch, site, sex, age…) stand in for the biology?
#
# Correlated inputs share their importance: when several columns carry the same signal
# (radius, perimeter and area of a nucleus, say), shuffling one leaves the others to stand in,
# so each looks unimportant on its own. Small values therefore do not mean the biology is
# irrelevant.
#
# Above `scale.SCORING_ROWS` tune rows, importances, attributions and the surrogate read a
# stratified, seeded subsample of that size (recorded in the artifact), so their cost stays
# fixed however many samples the study has.
#
# **Checklist**
# - [ ] the most important inputs make biological sense to a domain expert
# - [ ] methods, models and seeds broadly agree on the top inputs
# - [ ] every surrogate rule read by someone who knows the biology
# - [ ] no identifier, batch or site column among the top inputs (a shortcut)

# %% tags=["parameters"]
run_dir = "../reports/runs/interactive"  # where this notebook reads and writes results
config = "../lab.yaml"  # the study description
profile = "quick"  # quick | full budgets
overrides = {}  # lab.yaml fields overridden for this run (the -p option of run)

# %%
import itertools

from {{ cookiecutter.module_name }}_engine import (
    NETWORK,
    REFIT_ROWS,
    SCORING_ROWS,
    Progress,
    Run,
    agreement_matrix,
    best_family,
    declared_columns,
    describe,
    interpret_plots,
    seed_everything,
    seed_stability,
    shortcut_check,
    tuned_models,
    unsupported_claims,
)

run = Run.open(run_dir, config, profile, overrides)
seed_everything(run.seed)
task, modality = run.task, run.modality
view = task.interpretation  # what differs for classes and numbers
X_train, y_train = run.part("train")
X_tune_all, y_tune_all = X_tune, y_tune = run.part("tune")  # every tune row: the shortcut check aligns metadata
X_tune, y_tune, read_rows = run.take(X_tune, y_tune, SCORING_ROWS, "importance, attribution and checks (tune)")
tuned = run.load_artifact("04_tuning")["results"]
baseline = best_family({family: result for family, result in tuned.items() if family != NETWORK})
models = tuned_models(run, [NETWORK, baseline])
repeats = run.budget.permutation_repeats
print(f"interpreting the tuned network and the best tuned baseline ({baseline}); {repeats} permutation repeats; "
      f"{describe(read_rows)}")

# %% [markdown] tags=["tabular"]
# ## Permutation importance and integrated gradients
# Each panel is one model and one method, features in the order of the first panel. The units
# differ (a drop in ROC-AUC or R², a mean absolute attribution in the network's output), so
# compare the order.

# %% [markdown] tags=["sequence"]
# ## Which k-mers matter: permutation importance and integrated gradients
# The features are k-mers (words of `sequence.kmer` letters). For the baseline, each k-mer's
# frequency is shuffled across tune sequences and the drop in ROC-AUC (R² for a numeric target)
# recorded; for the network, the attribution of every letter is summed over each occurrence of
# each k-mer. The units differ, so compare the order.

# %% [markdown] tags=["image"]
# ## Which image features and which regions matter
# For the baseline, each hand-crafted feature (intensity, texture, shape per channel; notebook
# 02) is shuffled across tune images and the drop in ROC-AUC (R² for a numeric target) recorded. For the network,
# integrated gradients give every pixel a share of the output; the table sums those shares by
# channel and region — the border ring (`image.border` pixels), the cells (foreground) and the
# background between them. The two tables name different things, so only the network's is
# compared across seeds.

# %%
found = modality.importance(run.cfg, models, baseline, X_train, X_tune, y_tune, repeats, run.seed, view).values
tables, gradients, convergence = found["tables"], found["gradients"], found["convergence"]
tables[f"{NETWORK} · integrated gradients"] = gradients
print(f"integrated gradients: largest |convergence delta| {convergence['max_abs_delta']:.2g} "
      f"({convergence['n_steps']} steps; near 0 means the attributions add up to the prediction)")
figure = interpret_plots.importance_comparison(tables)
run.save_figure(figure, "06_importance_comparison")
figure

# %% [markdown] tags=["sequence"]
# ## Where the network looks, and the motif it found
# Integrated gradients give every letter of every tune sequence of the positive class (for a
# numeric target, the tune sequences in the top quarter of the target) a share of the
# network's output. Along the sequence they show where the network looks; the window of
# `sequence.motif_width` letters with the largest share in each sequence is where the network
# looks. The windows land at different places on the motif, so they are widened and slid (and,
# for DNA, turned to the other strand) until their attributions agree, then stacked: the most
# informative stretch gives the motif the network has learned, with its consensus and the
# information (bits) at each position. For simulated data the planted motif is known
# (`data/manifest.yaml`), so the recovered one is compared with it: a correlation near 1 shows
# that interpretation finds what is truly there. For real data, give a local file of known
# motifs (`sequence.known_motifs`, JASPAR format; nothing is downloaded) and the closest one is
# named when it correlates well enough.

# %% [markdown] tags=["image"]
# ## Saliency maps, and does the network look at the cells?
# Integrated gradients drawn over tune images: for classes, images the network classified rightly
# and wrongly, per class; for a numeric target, those it predicted best and worst (smallest and
# largest absolute residual). Then two shortcut checks:
#
# - **Where the attribution falls**: the share of all attribution on the border ring and on the
#   background, against those regions' share of the pixels (flagged at `saliency.BORDER_EXCESS`
#   times). Gradients can sit on a region without the answer depending on it, so this is a hint.
# - **Background swap, an intervention**: each tune image keeps its cells (and
#   `image.background_margin` pixels around them) and takes the background of another image —
#   from another site, then, as the control, from its own site. A network that reads the cells
#   barely moves either way; one that reads illumination or vignetting moves far more with another
#   site's background. Flagged when that shift is `image.background_shift_ratio` times the
#   control's and at least `image.background_min_shift` more, and raised in the ethics register (07).
#
# On the built-in simulated images the planted site artefact (brighter, vignetted sites with
# mostly one class, or higher values) is the shortcut to find; the shortcut check further down
# asks whether the site predicts the network's predictions.

# %%
extras = run.show(modality.interpretation_extras(run.cfg, run.root, run.data, models, X_tune, y_tune, found, view,
                                                 run.seed)).values  # a motif for sequences, saliency for images
motif, saliency = extras["motif"], extras["saliency"]

# %% [markdown]
# ## Agreement between methods and models, stability across seeds
# The network is refitted with other seeds (`profiles.<profile>.stability_seeds` in
# `lab.yaml`) and its rankings compared pair by pair (Spearman and Kendall). Rankings over many
# near-zero importances are noisy by nature; disagreement is recorded as a caution. Above
# `scale.REFIT_ROWS` training rows every seed, the run's own included, is refitted on the same
# recorded, stratified, seeded subsample of that size, so the seeds differ in nothing else.

# %%
floor = run.cfg.interpretation.agreement_floor
compared = modality.comparable(tables)  # the tables that name the same inputs
spearman, kendall = agreement_matrix(compared, "spearman"), agreement_matrix(compared, "kendall")
agreement = {f"{a} and {b}": float(spearman.loc[a, b]) for a, b in itertools.combinations(compared, 2)}
seeds = [run.seed + k for k in range(run.budget.stability_seeds)]
by_seed = {method: {} for method in modality.stability_methods}
seed_notes = {}
X_seeded, y_seeded, seed_rows = run.take(X_train, y_train, REFIT_ROWS, "network refits across seeds")
print(describe(seed_rows))
refits = Progress(len(seeds), "06 network seeds")  # progress here and in the run's terminal log
for seed in seeds:
    refits.begin(f"seed {seed}")
    network = models[NETWORK] if seed == run.seed and not seed_rows["subsampled"] else view.build_model(
        NETWORK, X_seeded, tuned[NETWORK]["best_params"], seed=seed, device=run.cfg.device
    ).fit(X_seeded, y_seeded)
    rankings, note = modality.seed_importance(run.cfg, network, X_train, X_tune, y_tune, repeats, run.seed, view,
                                              found, extras)
    for method, table in rankings.items():
        by_seed[method][seed] = table
    if note is not None:
        seed_notes[seed] = note
refits.close()
stability = {method: seed_stability(seed_tables) for method, seed_tables in by_seed.items()}
for line in modality.seed_notes(seed_notes, extras):  # e.g. motif recovery across seeds
    print(line)
figure = interpret_plots.agreement_and_stability(spearman, stability, floor)
run.save_figure(figure, "06_agreement_stability")
spearman.round(2)

# %%
figure

# %% [markdown]
# ## A readable surrogate of the network
# A decision tree of depth `interpretation.surrogate_depth` is fitted to the network's
# predictions on the training split; its fidelity is how often it agrees with the network on
# the tune split. For a numeric target it is a regression tree, each leaf the value it
# predicts, and its fidelity is the R² of its predictions to the network's on the tune split
# (1 = the same numbers). Read each rule: does any contradict what is known about the biology?

# %% [markdown] tags=["sequence"]
# Here the tree reads k-mer frequencies: `TCA > 0.019` means the word TCA makes up more than
# 1.9% of the sequence's 3-letter words.

# %%
surrogate = view.surrogate(models[NETWORK], X_train, X_tune, run.cfg.interpretation.surrogate_depth, run.seed)
print(f"fidelity ({view.fidelity_words}): {view.show_fidelity(surrogate.fidelity_tune)} on tune, "
      f"{view.show_fidelity(surrogate.fidelity_train)} on train\n")
print(surrogate.rules)

# %%
figure = view.surrogate_figure(surrogate)
run.save_figure(figure, "06_surrogate_tree")
figure

# %% [markdown]
# ## Shortcut check
# Columns that describe how or from whom samples came — batch, site, sex, age — are declared
# in `lab.yaml` under `data.metadata_columns`. If they alone predict the label (for a numeric
# target: explain it, cross-validated R² of a ridge regression), a model can
# score well by learning the collection process instead of the biology. They are not model
# inputs unless `data.metadata_as_inputs` is true, so each model is refitted with them added
# (or, when they are inputs, without them): `drop` is the tune score lost without them. A
# large drop, or metadata that predict the label or the network's predictions, is raised in
# the ethics register (notebook 07).

# %%
split = run.split()
metadata = run.cfg.data.metadata_columns
meta = declared_columns(run.cfg, run.root, "metadata_columns") if metadata else None
shortcut = shortcut_check(
    metadata,
    meta.iloc[split.train].reset_index(drop=True) if metadata else None,
    meta.iloc[split.tune].reset_index(drop=True) if metadata else None,
    models,
    {family: tuned[family]["best_params"] for family in models},
    X_train, y_train, X_tune_all, y_tune_all, run.seed,
    score=view.shortcut_score, predictability=view.predictability, build=view.build_model,
    metadata_inputs=modality.accepts_metadata_inputs,
)  # fmt: skip
shortcut

# %%
cautions = view.cautions(agreement, stability, floor, surrogate.summary(), shortcut)
not_supported = unsupported_claims(shortcut)
best = best_family(tuned)
importance_source = f"{best} · permutation"  # the table the report leads with, named by its method
if importance_source not in tables:
    importance_source = f"{NETWORK} · integrated gradients"
importance_method = ("permutation importance on the tune split" if importance_source.endswith("permutation")
                     else "integrated-gradients attribution on the tune split")
run.save_artifact(
    "06_interpretation",
    {
        "task": run.cfg.task,
        "model": best,
        "models": {"network": NETWORK, "baseline": baseline},
        "importance_unit": f"drop in tune {view.importance_unit} when the column is shuffled",
        "method": importance_method,
        "importance_source": importance_source,
        "repeats": repeats,
        "tune_rows": read_rows,
        "importance": tables[importance_source].to_dict(orient="records"),
        "permutation": {
            family: tables[f"{family} · permutation"].to_dict(orient="records")
            for family in (NETWORK, baseline) if f"{family} · permutation" in tables
        },
        "integrated_gradients": {
            "importance": gradients.to_dict(orient="records"),
            "convergence": convergence,
            "baseline": found["ig_baseline"],
            "summary": found["ig_summary"],
        },
        "motif": motif,
        "saliency": saliency,
        "indistinguishable_from_zero": {
            name: table.loc[table["ci_low"] <= 0, "feature"].tolist() for name, table in tables.items()
        },
        "agreement": {"spearman": spearman.round(6).to_dict(), "kendall": kendall.round(6).to_dict()},
        "stability": stability,
        "stability_rows": seed_rows,
        "surrogate": {**surrogate.summary(), "target": "the network's predictions on the training split",
                      "fidelity_means": view.fidelity_words},
        "shortcut": shortcut,
        "caution": cautions[0],
        "cautions": cautions,
        "not_supported": not_supported,
    },
)
print("Cautions:")
for sentence in cautions:
    print(f"  - {sentence}")
print("This run does not support the claims:")
for claim in not_supported:
    print(f"  - {claim}")

# %% [markdown]
# ## Your conclusion
# *Do the top inputs agree across methods, models and seeds, and with what is known about the
# biology? Does any surrogate rule look like the asthma example? Which claim would you not make
# from this analysis?*
#
# …
