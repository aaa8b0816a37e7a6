import numpy as np

from {{ cookiecutter.module_name }}_engine.modalities.sequence.fasta import PLANTED_MOTIF
from {{ cookiecutter.module_name }}_engine.modalities.sequence.simulate import (
    best_match_score,
    log_odds,
    simulate_binding_affinity,
)


def test_the_planted_consensus_scores_highest():
    consensus = "".join("ACGT"[int(np.argmax(row))] for row in PLANTED_MOTIF)
    top = sum(max(row) for row in log_odds())
    assert best_match_score("A" * 30 + consensus + "C" * 30) == top
    assert best_match_score("A" * 80) < top / 2


def test_affinity_follows_the_best_match_plus_noise_and_is_reproducible():
    records, params = simulate_binding_affinity(n_sequences=300, noise_sd=1.0, seed=5)
    again, _ = simulate_binding_affinity(n_sequences=300, noise_sd=1.0, seed=5)
    assert records == again
    affinity = np.array([float(r[2]) for r in records])
    scores = np.array([best_match_score(r[1]) for r in records])
    residual = affinity - scores
    assert abs(residual.mean()) < 0.2 and 0.85 < residual.std() < 1.15  # noise_sd × N(0, 1)
    assert np.corrcoef(affinity, scores)[0, 1] > 0.9
    assert params["n_related_copies"] > 0 and params["n_families"] < 300
    assert params["planted_motif"] == [list(row) for row in PLANTED_MOTIF]
