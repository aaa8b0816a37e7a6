"""A simulated binding-affinity set whose true answer is known (the regression counterpart of the binding sites).

Each DNA window's affinity is the log-odds score (bits) of its best match to the planted motif
(PLANTED_MOTIF of sequences.py) on the forward strand, plus Gaussian measurement noise. A share of
the windows carry a motif sampled from that matrix, so affinities run from background to strong
binders; `related_fraction` of the windows are mutated copies of earlier ones (families), which a
random split would scatter across train and test. Only `random.Random(seed).random()` is drawn
(Gaussian noise by the Box-Muller transform), so the set is identical on every Python.
"""

from __future__ import annotations

import math
import random

from .fasta import GENERATOR, PLANTED_MOTIF, SIMULATOR_VERSION, _background, _check_simulation, _mutated, _pick

BACKGROUND = 0.25  # uniform letter frequency the log-odds are taken against
DECIMALS = 3


def log_odds(motif=PLANTED_MOTIF):
    """Per position and letter (ACGT), log2(motif probability / background)."""
    return [[math.log2(max(p, 1e-9) / BACKGROUND) for p in row] for row in motif]


def best_match_score(sequence: str, motif=PLANTED_MOTIF) -> float:
    """The highest log-odds score (bits) of any window of `sequence` against the motif, forward strand."""
    table, width = log_odds(motif), len(motif)
    index = {letter: i for i, letter in enumerate("ACGT")}
    windows = (sequence[start:start + width] for start in range(len(sequence) - width + 1))
    return max(sum(table[offset][index[letter]] for offset, letter in enumerate(window) if letter in index)
               for window in windows)


def _gaussian(draw) -> float:
    """One standard normal draw from two uniform draws (Box-Muller)."""
    u1, u2 = draw(), draw()
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def simulate_binding_affinity(n_sequences=1200, length=80, planted_fraction=0.5, noise_sd=1.0,
                              related_fraction=0.3, mutation_rate=0.08, seed=42):
    """Simulated windows and affinities: (id, sequence, affinity text, family) records and the settings.

    affinity = best_match_score(sequence) + noise_sd × N(0, 1), rounded to DECIMALS.
    """
    fractions = {"planted_fraction": planted_fraction, "related_fraction": related_fraction,
                 "mutation_rate": mutation_rate}
    _check_simulation(n_sequences, length, fractions)
    draw = random.Random(seed).random
    width, digits = len(PLANTED_MOTIF), max(4, len(str(n_sequences)))
    made, n_families, n_copies, n_planted = [], 0, 0, 0  # made: (sequence, family, motif start)
    for _ in range(n_sequences):
        if made and draw() < related_fraction:
            parent, family, start = made[int(draw() * len(made))]
            sequence, n_copies = _mutated(parent, start, mutation_rate, draw), n_copies + 1
        else:
            letters, start, n_families = _background(length, draw), None, n_families + 1
            if draw() < planted_fraction:
                start, n_planted = int(draw() * (length - width + 1)), n_planted + 1
                letters[start:start + width] = ["ACGT"[_pick(row, draw)] for row in PLANTED_MOTIF]
            sequence, family = "".join(letters), f"fam{n_families:0{digits}d}"
        made.append((sequence, family, start))
    records = []
    for i, (sequence, family, _) in enumerate(made):
        affinity = best_match_score(sequence) + noise_sd * _gaussian(draw)
        records.append((f"sim{i + 1:0{digits}d}", sequence, f"{affinity:.{DECIMALS}f}", family))
    values = [float(r[2]) for r in records]
    params = {"n_sequences": n_sequences, "length": length, **fractions, "noise_sd": noise_sd, "seed": seed,
              "simulator_version": SIMULATOR_VERSION, "random_generator": GENERATOR,
              "target": "best forward-strand log-odds match (bits) to planted_motif + noise_sd x N(0,1)",
              "planted_motif": [list(row) for row in PLANTED_MOTIF], "motif_letters": "ACGT", "motif_length": width,
              "n_planted_founders": n_planted, "n_related_copies": n_copies, "n_families": n_families,
              "affinity_range": [min(values), max(values)]}
    return records, params


def affinity_manifest_entry(path: str, params: dict, sha256: str) -> dict:
    """The data/manifest.yaml entry of the simulated affinity file: clearly marked, with generator and settings."""
    return {
        "path": path,
        "description": (
            f"SIMULATED binding-affinity data, not measurements: {params['n_sequences']} DNA sequences of "
            f"{params['length']} letters; each affinity is the log-odds score (bits) of the sequence's best match to a "
            f"known {params['motif_length']}-letter position weight matrix plus Gaussian noise (sd "
            f"{params['noise_sd']:g}); {params['planted_fraction']:.0%} of founders carry a motif sampled from the "
            f"matrix, {params['related_fraction']:.0%} of sequences are mutated copies of earlier ones (families)."
        ),
        "source": "simulated by this project's simulate_affinity.simulate_binding_affinity (no laboratory source)",
        "accession": "none (simulated data)",
        "version": f"simulator {params['simulator_version']}, seed {params['seed']}",
        "retrieved": "not retrieved: generated locally from the seed",
        "licence": "CC0 1.0 (simulated data)",
        "citation": "Simulated data; no publication. Regenerate with simulate_affinity.simulate_binding_affinity "
                    "and the settings under 'generator'.",
        "sha256": sha256,
        "generator": {"name": "simulate_affinity.simulate_binding_affinity", "version": params["simulator_version"],
                      "params": params},
    }
