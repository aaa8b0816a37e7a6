import gzip
import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.sequence.fasta import (
    ALPHABETS,
    PLANTED_MOTIF,
    FastaRecord,
    apply_length_policy,
    check_alphabet,
    coding_letters,
    read_fasta,
    simulate_binding_sites,
    simulated_manifest_entry,
    write_fasta,
)
from {{ cookiecutter.module_name }}_engine.modalities.sequence.features import KmerCounts, OneHotSequences, kmer_profiles
from {{ cookiecutter.module_name }}_engine.modalities.sequence.loading import resolve_labels

PROJECT = Path(__file__).resolve().parents[3]
SHIPPED = PROJECT / "data" / "external" / "tf_binding_simulated.fa"
FASTA = ">s1|bound first sequence\nACGTAC\ngtac\n\n>s2|unbound\nAAAA CCCC\n>s3\nTTTT\n"


def _write(tmp_path, text, name="seqs.fa"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _records(*pairs):
    return [FastaRecord(id=i, sequence=s, header_label=None, line=n) for n, (i, s) in enumerate(pairs, start=1)]


def _raises(match, call, *args, **kwargs):
    with pytest.raises(LabError, match=match) as info:
        call(*args, **kwargs)
    assert "\n" not in str(info.value)
    return str(info.value)


# alphabets and FASTA ---------------------------------------------------------------------------
def test_coding_letters_drop_the_unknown_letter():
    assert coding_letters("dna") == "ACGT"
    assert coding_letters("protein") == ALPHABETS["protein"][:-1] and len(coding_letters("protein")) == 20
    _raises(r"sequence\.alphabet.*rna.*dna, protein", coding_letters, "rna")


def test_read_fasta_parses_ids_labels_lines_and_cleans_sequences(tmp_path):
    records = read_fasta(_write(tmp_path, FASTA + ">p1|x\nMKV*\n"), "data/seqs.fa")
    assert [r.id for r in records] == ["s1", "s2", "s3", "p1"]
    assert [r.header_label for r in records] == ["bound", "unbound", None, "x"]
    assert [r.line for r in records] == [1, 5, 7, 9]
    assert [r.sequence for r in records] == ["ACGTACGTAC", "AAAACCCC", "TTTT", "MKV"]


def test_gzip_is_detected_by_content_and_reads_like_plain(tmp_path):
    plain = _write(tmp_path, FASTA)
    hidden = tmp_path / "seqs.txt"  # gzip without a .gz suffix
    hidden.write_bytes(gzip.compress(FASTA.encode()))
    assert read_fasta(hidden, "x") == read_fasta(plain, "x")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", r"data/s\.fa is empty"),
        (b"\n  \n", r"data/s\.fa is empty"),
        (b"id,label\ns1,bound\n", r"data/s\.fa is not a FASTA file \(line 1"),
        (gzip.compress(FASTA.encode())[:-12], r"data/s\.fa is a gzip file that is corrupt or cut short"),
        (b"\x1f\x8bnot really gzip", r"data/s\.fa is a gzip file that is corrupt"),
        (b">a\nAC\n>|bound\nAC\n", r"header on line 3 has no sequence id"),
        (b">a\nAC\n>b desc\n\n>c\nA\n", r"sequence 'b' \(header on line 3\) is empty"),
        (b">a\nA\n>b\nC\n>a\nG\n>b\nT\n>c\nA\n>c\nA\n", r"repeats sequence ids: 3 \(a, b, c\)"),
    ],
)
def test_bad_fasta_files_are_one_sentence_each(tmp_path, content, match):
    path = tmp_path / "s.fa"
    path.write_bytes(content)
    _raises(match, read_fasta, path, "data/s.fa")


def test_missing_fasta_names_the_field(tmp_path):
    _raises(r"data/none\.fa \(lab\.yaml field 'data\.path'\) does not exist", read_fasta, tmp_path / "none.fa",
            "data/none.fa")


def test_alphabet_accepts_valid_letters():
    check_alphabet(_records(("a", "ACGTN" * 10)), "dna", "f.fa")
    check_alphabet(_records(("p", "MKVLAAGX" * 5)), "protein", "f.fa")


def test_dna_declared_as_protein_is_caught():
    _raises(r"f\.fa looks like DNA.*set sequence\.alphabet: dna", check_alphabet,
            _records(("a", "ACGTTGCA" * 4)), "protein", "f.fa")


def test_protein_declared_as_dna_is_caught():
    _raises(r"f\.fa looks like protein.*set sequence\.alphabet: protein", check_alphabet,
            _records(("p", "MKVLLAAGWERT" * 4)), "dna", "f.fa")


def test_first_offending_letter_is_named_with_id_and_position():
    records = _records(("a", "ACGT" * 10), ("b", "ACGTACGTACGTACGTZCGT" * 2), ("c", "ACGU"))
    _raises(r"f\.fa: sequence 'b' has 'Z' at position 17 \(1-based\), which is not in the dna alphabet ACGTN",
            check_alphabet, records, "dna", "f.fa")


# labels ----------------------------------------------------------------------------------------
def _labelled(*triples):
    return [FastaRecord(id=i, sequence="ACGT", header_label=h, line=1) for i, h in triples]


LABEL_ARGS = {"id_column": "seq", "target": "y", "group_column": None, "fasta_label": "s.fa",
              "table_label": "labels.csv"}


def test_labels_from_headers_only():
    labels, groups, other = resolve_labels(_labelled(("a", "x"), ("b", "y")), None, **LABEL_ARGS)
    assert list(labels) == ["x", "y"] and groups is None
    assert other.shape == (2, 0)


def test_labels_groups_and_extra_columns_from_table_in_fasta_order():
    table = pd.DataFrame({"seq": ["b", "a", "zz"], "y": [1.0, 0.0, 1.0], "fam": ["f2", "f1", "f9"],
                          "depth": [7, 3, 1]})
    records = _labelled(("a", "0"), ("b", None))
    labels, groups, other = resolve_labels(records, table, **{**LABEL_ARGS, "group_column": "fam"})
    assert list(labels) == ["0", "1"]  # header '0' agrees with table 0.0; 'zz' is not in the FASTA
    assert list(groups) == ["f1", "f2"]
    assert list(other.columns) == ["depth"] and list(other["depth"]) == [3, 7]


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"id_column": "name"}, r"'data\.id_column' names column 'name', which labels\.csv does not have"),
        ({"target": "class"}, r"'data\.target' names column 'class'"),
        ({"group_column": "patient"}, r"'data\.group_column' names column 'patient'"),
    ],
)
def test_table_missing_a_named_column(changes, match):
    table = pd.DataFrame({"seq": ["a"], "y": ["x"]})
    _raises(match, resolve_labels, _labelled(("a", None)), table, **{**LABEL_ARGS, **changes})


def test_table_repeating_ids():
    table = pd.DataFrame({"seq": ["a", "a", "b"], "y": ["x", "x", "y"]})
    _raises(r"labels\.csv lists sequence ids more than once in column 'seq': 1 \(a\)", resolve_labels,
            _labelled(("a", None), ("b", None)), table, **LABEL_ARGS)


def test_ids_without_any_label_are_listed():
    table = pd.DataFrame({"seq": ["a"], "y": ["x"]})
    records = _labelled(("a", None), ("b", None), ("c", None))
    _raises(r"no label in its headers or in labels\.csv: 2 \(b, c\); add them to the table or to the headers",
            resolve_labels, records, table, **LABEL_ARGS)


def test_header_and_table_disagreeing():
    table = pd.DataFrame({"seq": ["a", "b"], "y": ["bound", "bound"]})
    _raises(r"different labels for sequences 1 \(b \(header 'unbound', table 'bound'\)\); make them agree",
            resolve_labels, _labelled(("a", "bound"), ("b", "unbound")), table, **LABEL_ARGS)


def test_no_labels_anywhere():
    _raises(r"add >id\|label headers or set data\.labels", resolve_labels, _labelled(("a", None)), None,
            **LABEL_ARGS)


def test_empty_target_cell():
    table = pd.DataFrame({"seq": ["a", "b"], "y": ["x", None]})
    _raises(r"empty 'y' cell \(lab\.yaml field data\.target\) for sequence ids 1 \(b\)", resolve_labels,
            _labelled(("a", None), ("b", None)), table, **LABEL_ARGS)


def test_missing_group_and_group_without_table():
    table = pd.DataFrame({"seq": ["a"], "y": ["x"], "fam": ["f1"]})
    _raises(r"no group in column 'fam'.*1 \(b\)", resolve_labels, _labelled(("a", None), ("b", "y")), table,
            **{**LABEL_ARGS, "group_column": "fam"})
    _raises(r"'data\.group_column' is 'fam' but s\.fa has no label table", resolve_labels,
            _labelled(("a", "x")), None, **{**LABEL_ARGS, "group_column": "fam"})


# lengths ---------------------------------------------------------------------------------------
IDS, SEQS = ["a", "b", "c"], ["ACGTACGT", "ACG", "TTTTTT"]


def test_pad_keeps_sequences_and_records_the_longest():
    out, info = apply_length_policy(IDS, SEQS, "pad", None, "s.fa")
    assert out == SEQS
    assert info == {"policy": "pad", "length": 8, "shortest": 3, "longest": 8, "n_padded": 2, "n_trimmed": 0}
    _raises(r"s\.fa: sequence 'a' has 8 letters, not 6; raise sequence\.length.*trim", apply_length_policy,
            IDS, SEQS, "pad", 6, "s.fa")


def test_trim_keeps_the_centre():
    out, info = apply_length_policy(IDS, SEQS, "trim", 4, "s.fa")
    assert out == ["GTAC", "ACG", "TTTT"]
    assert (info["length"], info["n_trimmed"], info["n_padded"]) == (4, 2, 1)
    shortest, _ = apply_length_policy(IDS, SEQS, "trim", None, "s.fa")
    assert shortest == ["GTA", "ACG", "TTT"]  # left index (8 - 3) // 2 = 2


def test_reject_names_the_first_sequence_of_another_length():
    _raises(r"sequence 'b' has 3 letters, not 8; set sequence\.length_policy: pad or trim", apply_length_policy,
            IDS, SEQS, "reject", None, "s.fa")
    assert apply_length_policy(["a", "b"], ["AC", "GT"], "reject", 2, "s.fa")[1]["length"] == 2
    _raises(r"sequence\.length_policy.*pad, trim, reject", apply_length_policy, IDS, SEQS, "cut", None, "s.fa")


# simulated default -----------------------------------------------------------------------------
def test_planted_motif_is_a_proper_weight_matrix():
    assert len(PLANTED_MOTIF) == 10
    for row in PLANTED_MOTIF:
        assert len(row) == 4 and math.isclose(sum(row), 1.0) and max(row) < 1


def test_simulator_is_deterministic_and_records_its_settings():
    records, params = simulate_binding_sites(n_sequences=300, seed=3)
    again, _ = simulate_binding_sites(n_sequences=300, seed=3)
    other, _ = simulate_binding_sites(n_sequences=300, seed=4)
    assert records == again and records != other
    assert records[0][0] == "sim0001" and {r[2] for r in records} == {"bound", "unbound"}
    assert params["counts"]["bound"] + params["counts"]["unbound"] == 300
    assert params["seed"] == 3 and params["simulator_version"] and params["motif_length"] == 10
    assert 0 < params["n_labels_flipped"] < 40 and params["n_related_copies"] > 50
    assert len({r[3] for r in records}) == params["n_families"]


def test_related_copies_differ_by_about_the_mutation_rate():
    records, _ = simulate_binding_sites(n_sequences=400, mutation_rate=0.08, seed=5)
    first_of_family, distances = {}, []
    for _, sequence, _, family in records:
        if family in first_of_family:
            distances.append(np.mean([a != b for a, b in zip(sequence, first_of_family[family], strict=True)]))
        else:
            first_of_family[family] = sequence
    assert distances and 0.03 < np.median(distances) < 0.2  # copies of copies drift a little further


def _best_motif_score(sequence):
    log_odds = np.log(np.array(PLANTED_MOTIF) / 0.25)
    codes = np.array(["ACGT".index(c) for c in sequence])
    return max(log_odds[np.arange(10), codes[s:s + 10]].sum() for s in range(len(codes) - 9))


def test_bound_sequences_carry_the_planted_motif():
    records, _ = simulate_binding_sites(n_sequences=200, noise=0.0, seed=1)
    bound = [_best_motif_score(s) for _, s, label, _ in records if label == "bound"]
    unbound = [_best_motif_score(s) for _, s, label, _ in records if label == "unbound"]
    assert np.median(bound) > np.max(unbound) * 0.9 and np.median(bound) > np.median(unbound) + 5


def test_label_noise_flips_about_the_requested_share():
    _, clean = simulate_binding_sites(n_sequences=1000, noise=0.0)
    _, noisy = simulate_binding_sites(n_sequences=1000, noise=0.2)
    assert clean["n_labels_flipped"] == 0 and 150 < noisy["n_labels_flipped"] < 250


def test_write_fasta_round_trips_and_hashes(tmp_path):
    records, _ = simulate_binding_sites(n_sequences=20, length=100)
    sha = write_fasta(tmp_path / "sim.fa", records, width=60)
    assert sha == hashlib.sha256((tmp_path / "sim.fa").read_bytes()).hexdigest()
    back = read_fasta(tmp_path / "sim.fa", "sim.fa")
    assert [(r.id, r.sequence, r.header_label) for r in back] == [(i, s, lab) for i, s, lab, _ in records]
    assert (tmp_path / "sim.fa").read_text().splitlines()[0] == f">sim0001|{records[0][2]} family={records[0][3]}"


@pytest.mark.skipif(not SHIPPED.is_file(), reason="this project ships no simulated sequence file")
def test_shipped_simulated_file_is_what_the_simulator_makes(tmp_path):
    records, params = simulate_binding_sites()
    sha = write_fasta(tmp_path / "fresh.fa", records)
    assert (tmp_path / "fresh.fa").read_bytes() == SHIPPED.read_bytes()
    entry = simulated_manifest_entry("data/external/tf_binding_simulated.fa", params, sha)
    assert entry["description"].startswith("SIMULATED") and entry["sha256"] == sha
    assert entry["generator"]["params"]["n_sequences"] == 1200
    assert yaml.safe_load(yaml.safe_dump(entry)) == entry  # plain YAML, no tuples


# features --------------------------------------------------------------------------------------
def test_kmer_frequencies_on_a_hand_checked_example():
    counts = KmerCounts(k=2).fit(["ACGTA"])
    X = counts.transform(pd.DataFrame({"sequence": ["ACGTA", "ACNGT", "NNN", "AAA"]}))
    names = list(counts.get_feature_names_out())
    assert X.dtype == np.float64 and X.shape == (4, 16) and names[:3] == ["AA", "AC", "AG"]
    assert dict(zip(names, X[0], strict=True)) == {**dict.fromkeys(names, 0.0), "AC": 0.25, "CG": 0.25,
                                                   "GT": 0.25, "TA": 0.25}
    assert X[1, names.index("AC")] == X[1, names.index("GT")] == 0.5 and X[1].sum() == 1  # k-mers with N skipped
    assert not X[2].any() and X[3, names.index("AA")] == 1.0
    assert kmer_profiles(["AAA"], 2, "ACGT")[0, 0] == 2


def test_one_hot_layout_is_position_major():
    encoder = OneHotSequences().fit(np.array(["ACG", "TN"]))
    X = encoder.transform(["ACG", "TN"])
    assert X.dtype == np.float32 and X.shape == (2, 12) and encoder.length_ == 3
    assert list(np.flatnonzero(X[0])) == [0 * 4 + 0, 1 * 4 + 1, 2 * 4 + 2]
    assert list(np.flatnonzero(X[1])) == [0 * 4 + 3]  # N and the padding are zeros
    assert list(encoder.get_feature_names_out()[:5]) == ["p1_A", "p1_C", "p1_G", "p1_T", "p2_A"]
    _raises(r"sequence 2 of 2 has 4 letters, more than the 3.*sequence\.length_policy: trim", encoder.transform,
            ["ACG", "ACGT"])
