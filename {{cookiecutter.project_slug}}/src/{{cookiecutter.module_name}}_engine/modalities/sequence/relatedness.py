"""How close tune and test sequences sit to training ones, in this split and in a plain random one (Tip 7).

In the units reviewers and the DOME "redundancy" item ask for: the percent identity and coverage
of the closest test–training pair, and how many test sequences reach `sequence.homology.min_identity`
to any training sequence (0 for a homology-aware split), next to what a random split would leak.
"""

from __future__ import annotations

import numpy as np

from ...splits.making import make_split
from . import homology as hom
from .homology import methods_in_force as _methods


def measure_of(method: str, used: dict, alphabet: str) -> str:
    """The similarity in words, for notebooks and reports."""
    strands = " on both strands" if alphabet == "dna" else ""
    if method == "mmseqs":
        return (f"percent identity of MMseqs2 alignments{strands} covering at least {used['coverage']:.0%} "
                "of both sequences")
    canonical = " canonical (strand-independent)" if alphabet == "dna" else ""
    return f"identity estimated from shared{canonical} {used['k']}-mers over whole sequences"


def _part(hits, rows, reference, ids, used) -> tuple[dict, np.ndarray]:
    best, cover, partner = hom.closest(hits, rows, used["coverage"])
    above = best >= used["min_identity"] - 1e-9
    top = int(np.argmax(best)) if best.size else 0
    summary = {
        "max": round(float(best.max(initial=0.0)), 4),
        "coverage": round(float(cover[top]), 4) if best.size else 0.0,
        "closest_pair": [str(ids[rows[top]]), str(ids[partner[top]])] if best.size and partner[top] >= 0 else [],
        "median": round(float(np.median(best)), 4) if best.size else 0.0,
        "n_related": int(above.sum()),
        "related_ids": sorted(str(ids[rows[i]]) for i in np.flatnonzero(above)),
    }
    return summary, best


def homology_report(cfg, data, split, task) -> tuple[dict, dict]:
    """Closest test/tune–training identities in this split and in a plain random split of the same data.

    The random split is stratified as `task` stratifies (classes, or the target's quantile bins).
    Returns (report, {(split name, part): each row's highest identity to training}) for the figure.
    """
    asked, measuring, fallback, used = _methods(cfg)
    alphabet, sequences = cfg.sequence.alphabet, list(data.X["sequence"])
    all_hits = hom.all_hits(sequences, method=measuring, alphabet=alphabet, used=used)  # the split's own search
    sizes = np.bincount(hom.clusters_from_hits(all_hits, len(sequences), used["min_identity"], used["coverage"]))
    report = {
        "method": asked if fallback is None else measuring,
        "requested_method": asked,
        "fallback": fallback,
        "similarity": measure_of(measuring, used, alphabet),
        "threshold": used["min_identity"],
        "min_identity": used["min_identity"],
        "coverage": used["coverage"] if measuring == "mmseqs" else None,
        "k": used["k"] if measuring == "kmer" else None,
        "both_strands": alphabet == "dna",
        "n_clusters": int(len(sizes)),
        "largest_cluster": int(sizes.max(initial=0)),
        "sequences_with_relatives": int(sizes[sizes > 1].sum()),
    }
    bins = getattr(cfg.split, "target_bins", 5)
    strata = task.stratify_labels(data.y, bins)
    random_split = make_split(strata, data.groups, cfg.split.train, cfg.split.tune, cfg.split_seed)
    curves = {}
    for name, chosen in (("this_split", split), ("random_split", random_split)):
        for part in ("test", "tune"):
            rows, reference = getattr(chosen, part), chosen.train
            hits = hom.part_hits(all_hits, rows, reference)
            summary, best = _part(hits, rows, reference, data.ids, used)
            if name == "random_split":  # a counterfactual: how many, not which
                del summary["related_ids"]
            report.setdefault(name, {})[f"{part}_to_train"] = summary
            curves[(name, part)] = best
    report["flagged"] = report["this_split"]["test_to_train"]["n_related"] > 0
    return report, curves


def homology_leakage(report: dict) -> list[str]:
    """Test and tune ids related to a training sequence, when the split was meant to keep relatives together."""
    if report["requested_method"] == "none":
        return []
    parts = report["this_split"]
    return sorted(set(parts["test_to_train"]["related_ids"]) | set(parts["tune_to_train"]["related_ids"]))


def homology_warnings(report: dict) -> list[dict]:
    """Findings on related sequences, as notebook 01 records its warnings."""
    found = []
    mine, plain = report["this_split"]["test_to_train"], report["random_split"]["test_to_train"]
    if report["fallback"]:
        found.append({"check": "homology", "message": report["fallback"] + "."})
    if report["requested_method"] == "none" and mine["n_related"]:
        found.append({"check": "leakage", "message": (
            f"{mine['n_related']} test sequence(s) are at least {report['min_identity']:.0%} identical to a training "
            f"sequence (up to {mine['max']:.0%}); the split is not homology-aware, so test scores partly measure "
            "recall — set sequence.homology.method: mmseqs and make a new split with `split --new`."
        )})
    if report["requested_method"] != "none" and plain["n_related"]:
        found.append({"check": "homology", "message": (
            f"A plain random split would have put {plain['n_related']} test sequence(s) next to a training sequence "
            f"at least {report['min_identity']:.0%} identical (up to {plain['max']:.0%}); this split keeps the "
            f"{report['n_clusters']} clusters of related sequences whole."
        )})
    return found


def _pct(value) -> str:
    return "n/a" if value is None else f"{float(value):.0%}"


def closest_pair_words(homology: dict, part: dict) -> str:
    """The closest test–training pair in words; when the search found no pair at all, says so (not "0% identical")."""
    if not part.get("closest_pair"):
        if homology.get("coverage") is not None:
            return (f"no test sequence aligns to any training sequence over {_pct(homology['coverage'])} of both "
                    "(the search reported no pair)")
        return f"no test sequence shares enough {homology.get('k')}-mers with a training sequence to be compared"
    covered = f" over {_pct(part.get('coverage'))} of its length" if homology.get("coverage") is not None else ""
    first, second = part["closest_pair"]
    return f"the closest test–training pair ({first}, {second}) is {_pct(part.get('max'))} identical{covered}"


def identity_sentence(homology: dict) -> str | None:
    """The DOME redundancy answer: the rule, the closest test–training pair, and a random split's leak."""
    if not homology or "min_identity" not in homology:
        return None
    mine = (homology.get("this_split") or {}).get("test_to_train") or {}
    plain = (homology.get("random_split") or {}).get("test_to_train") or {}
    rule = (f"Sequences count as related at {_pct(homology['min_identity'])} identity or more "
            f"({homology['similarity']}); "
            f"{homology.get('n_clusters')} clusters were formed (largest {homology.get('largest_cluster')})"
            + (", each kept within one part." if homology.get("requested_method") != "none"
               else "; the split did not keep them together (sequence.homology.method: none)."))
    closest = (f" {closest_pair_words(homology, mine).capitalize()}; "
               f"{mine.get('n_related', 0)} test sequences reach {_pct(homology['min_identity'])} "
               "to a training sequence. "
               f"A plain random split would have had {plain.get('n_related', 0)}, with the closest pair at "
               f"{_pct(plain.get('max'))}.")
    fallback = f" {homology['fallback']}." if homology.get("fallback") else ""
    return rule + closest + fallback
