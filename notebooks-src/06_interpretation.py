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

from {{ cookiecutter.module_name }}_engine.interpretation import plots as interpret_plots
from {{ cookiecutter.module_name }}_engine.interpretation.interpret import (
    agreement_matrix,
    integrated_gradients_table,
    permutation_importance_table,
    seed_stability,
    shortcut_check,
    unsupported_claims,
)
from {{ cookiecutter.module_name }}_engine.tasks.interpretation_views import interpretation_for
from {{ cookiecutter.module_name }}_engine.modalities.sequence.motifs import (
    kmer_attribution_table,
    motif_correlation,
    recovered_motif,
)
from {{ cookiecutter.module_name }}_engine.models.nets import seed_everything
from {{ cookiecutter.module_name }}_engine.models.preprocess import is_images, is_sequences
from {{ cookiecutter.module_name }}_engine.tasks.regression.figures import surrogate_figure
from {{ cookiecutter.module_name }}_engine.ethics.release import tuned_models
from {{ cookiecutter.module_name }}_engine.runner.runs import Run
from {{ cookiecutter.module_name }}_engine.evaluation.scale import REFIT_ROWS, SCORING_ROWS, Progress, describe, take
from {{ cookiecutter.module_name }}_engine.tuning.spaces import NETWORK
from {{ cookiecutter.module_name }}_engine.modalities.sequence.fasta import coding_letters
from {{ cookiecutter.module_name }}_engine.data.declared import declared_columns
from {{ cookiecutter.module_name }}_engine.tuning.results import best_family

run = Run.open(run_dir, config, profile, overrides)
seed_everything(run.seed)
view = interpretation_for(run.cfg.task)  # what differs for classes and numbers
X_train, y_train = run.part("train")
X_tune_all, y_tune_all = X_tune, y_tune = run.part("tune")  # every tune row: the shortcut check aligns metadata
X_tune, y_tune, read_rows = take(X_tune, y_tune, SCORING_ROWS, run.seed, "importance, attribution and checks (tune)")
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
sequences = is_sequences(X_tune)
images = is_images(X_tune)  # image studies: saliency maps and region shares (below)
saliency = None
motif = None  # sequences: the recovered motif (next section)
positive = run.cfg.data.positive_class
explained, explained_from = view.explained(y_tune, positive, getattr(models[NETWORK], "classes_", None))
steps = Progress(2 if sequences or images else 3, "06 importance tables")  # progress here and in the run's terminal log
if sequences:  # attributions explain the positive class, or the highest targets, where a motif acts
    letters = coding_letters(X_tune.alphabet)
    steps.begin(f"{baseline} · permutation")
    tables = {f"{baseline} · permutation": permutation_importance_table(models[baseline], X_tune, y_tune, repeats,
                                                                       run.seed, scoring=view.scoring)}
    steps.begin(f"{NETWORK} · integrated gradients")
    attributions, onehot, convergence = view.attributions(models[NETWORK], X_tune[explained], positive)
    gradients = kmer_attribution_table(attributions, onehot, letters, X_tune.kmer)
elif images:
    from {{ cookiecutter.module_name }}_engine.modalities.image.saliency import image_attributions, region_table

    steps.begin(f"{baseline} · permutation")
    tables = {f"{baseline} · permutation": permutation_importance_table(models[baseline], X_tune, y_tune, repeats,
                                                                       run.seed, scoring=view.scoring)}
    steps.begin(f"{NETWORK} · integrated gradients")
    attributions, convergence = image_attributions(models[NETWORK], X_tune)
    gradients = region_table(attributions, X_tune.pixels(), run.cfg.image.border)
else:
    tables = {}
    for family in (NETWORK, baseline):
        steps.begin(f"{family} · permutation")
        tables[f"{family} · permutation"] = permutation_importance_table(models[family], X_tune, y_tune, repeats,
                                                                         run.seed, scoring=view.scoring)
    steps.begin(f"{NETWORK} · integrated gradients")
    gradients, convergence = integrated_gradients_table(models[NETWORK], X_tune, X_train)
steps.close()
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

# %% tags=["sequence"]
from IPython.display import display

from {{ cookiecutter.module_name }}_engine.modalities.sequence.motif_align import closest_known, read_known_motifs
from {{ cookiecutter.module_name }}_engine.modalities.sequence.motifs import position_profile
from {{ cookiecutter.module_name }}_engine.data.provenance import simulation_of

if sequences:
    recovered = recovered_motif(attributions, onehot, run.cfg.sequence.motif_width, letters=letters)
    simulation = simulation_of(run.root, run.cfg.data.path)
    planted = (simulation or {}).get("params", {}).get("planted_motif")
    match = motif_correlation(recovered["pwm"], planted) if planted else None
    known_file = run.cfg.sequence.known_motifs
    resemblance = closest_known(recovered["pwm"], read_known_motifs(run.root / known_file, letters), letters,
                                motif_correlation) if known_file else None
    motif = {"recovered": recovered, "planted": planted, "match": match,
             "known_motifs": known_file, "resemblance": resemblance,
             "attributions_from": f"{len(onehot)} {explained_from}",
             "position_profile": [round(float(v), 6) for v in position_profile(attributions)]}
    bits = " ".join(f"{b:.1f}" for b in recovered["information_content"])
    print(f"recovered motif (windows aligned): consensus {recovered['consensus']}; bits per position {bits}")
    if match:
        print(f"recovered motif against the planted one: Pearson {match['pearson']:.3f} (shift {match['shift']})")
    if resemblance:
        best = resemblance["ranked"][0] if resemblance["ranked"] else None
        print(f"closest known motif in {known_file}: {best['name']} (Pearson {best['pearson']:.2f}, strand "
              f"{best['strand']}); " + (f"it resembles {resemblance['resembles']}" if resemblance["resembles"]
                                        else f"none reaches {resemblance['threshold']:g}, so none is named")
              if best else f"no motif in {known_file} overlaps the recovered one")
    elif not match:
        print("no planted motif is known for these data; set sequence.known_motifs in lab.yaml to a local motif file "
              "to name the family it resembles")
    figure = interpret_plots.position_attribution(motif["position_profile"])
    run.save_figure(figure, "06_position_profile")
    display(figure)
    figure = interpret_plots.motif_comparison(recovered["pwm"], planted, letters, match["pearson"] if match else None)
    run.save_figure(figure, "06_motif")
    display(figure)

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

# %% tags=["image"]
from {{ cookiecutter.module_name }}_engine.modalities.image.shortcut import check_background, swap_sentence
from {{ cookiecutter.module_name }}_engine.modalities.image.saliency import examples_for, saliency_figure, shortcut_shares

examples = examples_for(models[NETWORK], X_tune, y_tune)
tune_pixels = X_tune.pixels()
saliency = {"examples": [{**e, "file": str(X_tune["file"].iloc[e["row"]])} for e in examples],
            "shortcut": shortcut_shares(attributions, tune_pixels, run.cfg.image.border),
            "regions": gradients.to_dict(orient="records"),
            "background_swap": check_background(models[NETWORK], X_tune, run.cfg, run.root, run.data, run.seed)}
figure = saliency_figure(tune_pixels, attributions, examples, X_tune["file"].to_numpy())
run.save_figure(figure, "06_saliency")
for region in ("border", "background"):
    share = saliency["shortcut"][region]
    print(f"{region}: {share['attribution_share']:.1%} of attribution on {share['pixel_share']:.1%} of pixels "
          f"(ratio {share['ratio']:.2f}{', FLAGGED' if share['flagged'] else ''})")
print(swap_sentence(saliency["background_swap"]))
figure

# %% [markdown]
# ## Agreement between methods and models, stability across seeds
# The network is refitted with other seeds (`profiles.<profile>.stability_seeds` in
# `lab.yaml`) and its rankings compared pair by pair (Spearman and Kendall). Rankings over many
# near-zero importances are noisy by nature; disagreement is recorded as a caution. Above
# `scale.REFIT_ROWS` training rows every seed, the run's own included, is refitted on the same
# recorded, stratified, seeded subsample of that size, so the seeds differ in nothing else.

# %%
floor = run.cfg.interpretation.agreement_floor
compared = {name: table for name, table in tables.items() if not images or name.startswith(NETWORK)}
spearman, kendall = agreement_matrix(compared, "spearman"), agreement_matrix(compared, "kendall")
agreement = {f"{a} and {b}": float(spearman.loc[a, b]) for a, b in itertools.combinations(compared, 2)}
seeds = [run.seed + k for k in range(run.budget.stability_seeds)]
by_seed = {"integrated gradients": {}} if sequences or images else {"permutation": {}, "integrated gradients": {}}
motif_by_seed = {}
X_seeded, y_seeded, seed_rows = take(X_train, y_train, REFIT_ROWS, run.seed, "network refits across seeds")
print(describe(seed_rows))
refits = Progress(len(seeds), "06 network seeds")  # progress here and in the run's terminal log
for seed in seeds:
    refits.begin(f"seed {seed}")
    network = models[NETWORK] if seed == run.seed and not seed_rows["subsampled"] else view.build_model(
        NETWORK, X_seeded, tuned[NETWORK]["best_params"], seed=seed, device=run.cfg.device
    ).fit(X_seeded, y_seeded)
    if sequences:
        seed_attr, seed_onehot, _ = view.attributions(network, X_tune[explained], positive)
        by_seed["integrated gradients"][seed] = kmer_attribution_table(seed_attr, seed_onehot, letters, X_tune.kmer)
        if motif["planted"]:
            seed_motif = recovered_motif(seed_attr, seed_onehot, run.cfg.sequence.motif_width, letters=letters)
            motif_by_seed[seed] = motif_correlation(seed_motif["pwm"], motif["planted"])["pearson"]
        continue
    if images:
        seed_attributions = image_attributions(network, X_tune)[0]
        by_seed["integrated gradients"][seed] = region_table(seed_attributions, X_tune.pixels(), run.cfg.image.border)
        continue
    by_seed["permutation"][seed] = permutation_importance_table(network, X_tune, y_tune, repeats, run.seed,
                                                                scoring=view.scoring)
    by_seed["integrated gradients"][seed] = integrated_gradients_table(network, X_tune, X_train)[0]
refits.close()
stability = {method: seed_stability(seed_tables) for method, seed_tables in by_seed.items()}
if motif_by_seed:
    motif["pearson_by_seed"] = {str(seed): value for seed, value in motif_by_seed.items()}
    low, high = min(motif_by_seed.values()), max(motif_by_seed.values())
    print(f"motif recovery across seeds: Pearson {low:.3f} to {high:.3f}")
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
figure = surrogate_figure(surrogate)
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
    score=view.shortcut_score, predictability=view.predictability,
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
            "baseline": "all-zero one-hot input (no letter)" if sequences
            else "training mean of the preprocessed inputs (zero for standardised columns)",
            "summary": f"mean attribution per k-mer, summed over its occurrences, over {explained_from}"
            if sequences else "mean absolute attribution per original column over tune samples",
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
