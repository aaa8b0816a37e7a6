"""Lengths and letter composition of sequences, overall and per class (Tip 4)."""

import numpy as np
import pandas as pd


def sequence_profile(X, y):
    """Lengths and letter composition of sequences, overall and per class (Tip 4).

    A class that differs in length or composition alone (GC content, say) can be told apart
    without any motif: worth knowing before a network is credited with finding biology.
    """
    sequences = pd.Series(list(X["sequence"]), dtype=object)
    lengths = sequences.str.len().to_numpy()
    labels = np.asarray(y).astype(str)

    def composition(rows):
        letters = pd.Series(list("".join(sequences[rows]))).value_counts(normalize=True)
        return {str(letter): round(float(letters[letter]), 6) for letter in sorted(letters.index)}

    everything = np.ones(len(sequences), dtype=bool)
    return {
        "alphabet": X.alphabet,
        "fixed_length": int(X.length),
        "length": {"min": int(lengths.min()), "median": float(np.median(lengths)), "max": int(lengths.max())},
        "length_by_class": {label: round(float(lengths[labels == label].mean()), 3) for label in sorted(set(labels))},
        "composition": composition(everything),
        "composition_by_class": {label: composition(labels == label) for label in sorted(set(labels))},
    }


def describe_sequences(data, labels, summary):
    """Notebook 01: lengths, the length policy and letter shares by class, as a Section."""
    import pandas as pd

    from ...common.sections import Section

    profile = sequence_profile(data.X, labels)
    lengths = profile["length"]
    span = f"all {lengths['min']}" if lengths["min"] == lengths["max"] else f"{lengths['min']} to {lengths['max']}"
    line = (f"{summary['n_rows']} {'DNA' if data.X.alphabet == 'dna' else 'protein'} sequences, {span} letters long "
            f"(read as {profile['fixed_length']}, {data.sequence_info['policy']} policy); "
            f"{summary['n_duplicate_groups']} group(s) of identical sequences; letter shares by class:")
    return Section(lines=[line], tables=[pd.DataFrame(profile["composition_by_class"]).T.round(3)],
                   values={"sequences": profile})


def related_sequences(cfg, data, split, task, duplicates, seed):
    """Notebook 01: related sequences in this split and in a plain random one, as a Section.

    Their near duplicates are the related sequences themselves; `values` holds what the leakage check,
    the warnings and the artifact read (homology, near pairs, the rule).
    """
    from ...common.sections import Section
    from ...figures import plots
    from .relatedness import closest_pair_words, homology_leakage, homology_report, homology_warnings

    homology, closest = homology_report(cfg, data, split, task)
    related = homology["this_split"]["test_to_train"]
    plain = homology["random_split"]["test_to_train"]
    lines = [f"{homology['similarity']}; {homology['n_clusters']} clusters of related sequences "
             f"(largest {homology['largest_cluster']}); {closest_pair_words(homology, related)}; "
             f"test sequences at or above {homology['min_identity']:.0%}: {related['n_related']} "
             f"(a random split: {plain['n_related']}, closest pair {plain['max']:.1%})"]
    if homology["fallback"]:
        lines.append(homology["fallback"] + ".")
    figure = plots.homology_similarity(closest, homology["min_identity"], measure="identity")
    return Section(lines=lines, figures=[("01_homology", figure)], values={
        "homology": homology, "near": [], "duplicates": duplicates, "explained": None, "tolerance": None,
        "near_rule": "related sequences (see homology)", "near_method": None,
        "leakage": {"related_sequences": homology_leakage(homology)}, "warnings": homology_warnings(homology)})
