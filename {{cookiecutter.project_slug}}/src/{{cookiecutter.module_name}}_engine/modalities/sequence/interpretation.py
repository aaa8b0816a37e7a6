"""What notebook 06 asks of a sequence study: which k-mers matter, and the motif the network found (Tip 8)."""

from __future__ import annotations

from ...common.names import NETWORK
from ...common.sections import Section
from ...evaluation.scale import Progress
from ...interpretation.importance import permutation_importance_table
from .fasta import coding_letters
from .motifs import kmer_attribution_table, motif_correlation, position_profile, recovered_motif

IG_BASELINE = "all-zero one-hot input (no letter)"


def sequence_importance(models, baseline, X_tune, y_tune, repeats, seed, view, positive) -> Section:
    """The baseline's k-mer permutation importance; the network's attributions summed per k-mer.

    Attributions explain the positive class, or the highest targets, where a motif acts (the task's view
    picks those rows); `values` keeps them for the motif and the seeds.
    """
    explained, explained_from = view.explained(y_tune, positive, getattr(models[NETWORK], "classes_", None))
    steps = Progress(2, "06 importance tables")  # progress here and in the run's terminal log
    letters = coding_letters(X_tune.alphabet)
    steps.begin(f"{baseline} · permutation")
    tables = {f"{baseline} · permutation": permutation_importance_table(models[baseline], X_tune, y_tune, repeats,
                                                                       seed, scoring=view.scoring, derived=True)}
    steps.begin(f"{NETWORK} · integrated gradients")
    attributions, onehot, convergence = view.attributions(models[NETWORK], X_tune[explained], positive)
    gradients = kmer_attribution_table(attributions, onehot, letters, X_tune.kmer)
    steps.close()
    return Section(values={
        "tables": tables, "gradients": gradients, "convergence": convergence, "ig_baseline": IG_BASELINE,
        "ig_summary": f"mean attribution per k-mer, summed over its occurrences, over {explained_from}",
        "letters": letters, "attributions": attributions, "onehot": onehot, "explained": explained,
        "explained_from": explained_from, "positive": positive})


def found_motif(cfg, root, found) -> Section:
    """The motif the network's attributions spell, against the planted one (simulated data) or known motifs."""
    from ...data.provenance import simulation_of
    from ...interpretation import plots as interpret_plots
    from .motif_align import closest_known, read_known_motifs

    letters, attributions, onehot = found["letters"], found["attributions"], found["onehot"]
    recovered = recovered_motif(attributions, onehot, cfg.sequence.motif_width, letters=letters)
    simulation = simulation_of(root, cfg.data.path)
    planted = (simulation or {}).get("params", {}).get("planted_motif")
    match = motif_correlation(recovered["pwm"], planted) if planted else None
    known_file = cfg.sequence.known_motifs
    resemblance = closest_known(recovered["pwm"], read_known_motifs(root / known_file, letters), letters,
                                motif_correlation) if known_file else None
    motif = {"recovered": recovered, "planted": planted, "match": match,
             "known_motifs": known_file, "resemblance": resemblance,
             "attributions_from": f"{len(onehot)} {found['explained_from']}",
             "position_profile": [round(float(v), 6) for v in position_profile(attributions)]}
    bits = " ".join(f"{b:.1f}" for b in recovered["information_content"])
    lines = [f"recovered motif (windows aligned): consensus {recovered['consensus']}; bits per position {bits}"]
    if match:
        lines.append(f"recovered motif against the planted one: Pearson {match['pearson']:.3f} "
                     f"(shift {match['shift']})")
    if resemblance:
        best = resemblance["ranked"][0] if resemblance["ranked"] else None
        lines.append(f"closest known motif in {known_file}: {best['name']} (Pearson {best['pearson']:.2f}, strand "
                     f"{best['strand']}); " + (f"it resembles {resemblance['resembles']}" if resemblance["resembles"]
                                               else f"none reaches {resemblance['threshold']:g}, so none is named")
                     if best else f"no motif in {known_file} overlaps the recovered one")
    elif not match:
        lines.append("no planted motif is known for these data; set sequence.known_motifs in lab.yaml to a local "
                     "motif file to name the family it resembles")
    figures = [("06_position_profile", interpret_plots.position_attribution(motif["position_profile"])),
               ("06_motif", interpret_plots.motif_comparison(recovered["pwm"], planted, letters,
                                                             match["pearson"] if match else None))]
    return Section(lines=lines, figures=figures, values={"motif": motif, "saliency": None})


def sequence_seed_importance(cfg, network, X_tune, view, found, extras):
    """One refitted network's k-mer attributions, and how well the motif it spells matches the planted one."""
    seed_attr, seed_onehot, _ = view.attributions(network, X_tune[found["explained"]], found["positive"])
    tables = {"integrated gradients": kmer_attribution_table(seed_attr, seed_onehot, found["letters"], X_tune.kmer)}
    planted = extras["motif"]["planted"]
    if not planted:
        return tables, None
    seed_motif = recovered_motif(seed_attr, seed_onehot, cfg.sequence.motif_width, letters=found["letters"])
    return tables, motif_correlation(seed_motif["pwm"], planted)["pearson"]


def motif_across_seeds(notes, extras) -> list[str]:
    """Motif recovery across the refitted networks (recorded in the motif's record)."""
    if not notes:
        return []
    extras["motif"]["pearson_by_seed"] = {str(seed): value for seed, value in notes.items()}
    low, high = min(notes.values()), max(notes.values())
    return [f"motif recovery across seeds: Pearson {low:.3f} to {high:.3f}"]
