"""The sequence study end to end through lab.yaml: loading, labels, the homology split, models.

These use the project's own FASTA example and run in projects of sequences only.
"""

import gzip

import numpy as np
import pandas as pd
import pytest
from conftest import edit_yaml

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.data.loading import load_dataset, sample_table
from {{ cookiecutter.module_name }}_engine.modalities.registry import modality_of
from {{ cookiecutter.module_name }}_engine.modalities.sequence.relatedness import homology_leakage, homology_report, homology_warnings
from {{ cookiecutter.module_name }}_engine.settings.config import load_config
from {{ cookiecutter.module_name }}_engine.splits.making import make_split
from {{ cookiecutter.module_name }}_engine.splits.split import load_or_make_split, split_groups, split_settings
from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named
from {{ cookiecutter.module_name }}_engine.tuning.search import fixed_params
from {{ cookiecutter.module_name }}_engine.tuning.spaces import build_model

FASTA = "data/external/tf_binding_simulated.fa"


def _config(project, **changes):
    if changes:
        edit_yaml(project / "lab.yaml", **changes)
    return load_config(project / "lab.yaml")


def _write_fasta(project, records, name="mine.fa"):
    text = "".join(f">{header}\n{sequence}\n" for header, sequence in records)
    (project / "data" / name).write_text(text)
    return f"data/{name}"


def test_builtin_fasta_loads_as_labelled_sequences(sequence_project):
    cfg = _config(sequence_project)
    data = load_dataset(cfg, sequence_project)
    assert modality_of(data.X).name == "sequence" and list(data.X.columns) == ["sequence"]
    assert data.classes == ("unbound", "bound")
    assert len(set(data.ids)) == len(data.ids) == len(data.y)
    assert data.sequence_info["policy"] == "pad" and data.X.length == data.sequence_info["longest"]
    assert data.n_features == data.X.length * 4


def test_gzipped_fasta_with_side_table_gives_the_same_data(sequence_project):
    plain = load_dataset(_config(sequence_project), sequence_project)
    text = (sequence_project / FASTA).read_text()
    headers = [line[1:].split("|")[0] for line in text.splitlines() if line.startswith(">")]
    stripped = "\n".join(">" + line[1:].split("|")[0] if line.startswith(">") else line for line in text.splitlines())
    (sequence_project / "data" / "mine.fa.gz").write_bytes(gzip.compress(stripped.encode(), mtime=0))
    table = pd.DataFrame({"seq_id": headers, "bound_state": plain.y, "batch": ["b1", "b2"] * (len(headers) // 2)})
    table.to_csv(sequence_project / "data" / "labels.csv", index=False)
    cfg = _config(sequence_project, **{"data.path": "data/mine.fa.gz", "data.labels": "data/labels.csv",
                                       "data.target": "bound_state", "data.id_column": "seq_id"})
    data = load_dataset(cfg, sequence_project)
    assert list(data.ids) == list(plain.ids) and list(data.y) == list(plain.y)
    assert list(data.X["sequence"]) == list(plain.X["sequence"])
    frame, source = sample_table(cfg, sequence_project)
    assert source == "data/labels.csv" and list(frame["batch"][:2]) == ["b1", "b2"]


@pytest.mark.parametrize(
    ("records", "table", "changes", "expected"),
    [
        ([("s1|a", "ACGTZ"), ("s2|b", "ACGT")], None, {}, r"'s1' has 'Z' at position 5"),
        ([("s1|a", ""), ("s2|b", "ACGT")], None, {}, "s1"),
        ([("s1|a", "ACGT"), ("s1|b", "ACGT")], None, {}, "s1"),
        ([("s1", "ACGT"), ("s2", "ACGT")], {"id": ["s1"], "label": ["a"]}, {}, "s2"),
        ([("s1|a", "ACGT"), ("s2|b", "ACGT")], {"id": ["s1", "s2"], "label": ["a", "a"]}, {}, "s2"),
        ([("s1|a", "MKVLAAGIILLW"), ("s2|b", "MKVEEFGHILLW")], None, {}, "protein"),
        ([("s1|a", "ACGTACGTACGTACGTACGTAC"), ("s2|b", "ACGTACGTACGTACGTACGTAC")], None,
         {"sequence.alphabet": "protein"}, "DNA"),
        ([("s1|a", "ACGTAC"), ("s2|b", "ACGT")], None, {"sequence.length_policy": "reject"}, "s2"),
    ],
    ids=["outside-alphabet", "empty-sequence", "duplicate-id", "id-without-label", "header-table-disagree",
         "protein-declared-dna", "dna-declared-protein", "length-rejected"],
)
def test_bad_sequence_input_is_one_sentence_naming_the_problem(sequence_project, records, table, changes, expected):
    path = _write_fasta(sequence_project, records)
    extra = {"data.path": path, "data.positive_class": None, **changes}
    if table is not None:
        pd.DataFrame(table).to_csv(sequence_project / "data" / "labels.csv", index=False)
        extra["data.labels"] = "data/labels.csv"
    cfg = _config(sequence_project, **extra)
    with pytest.raises(LabError, match=expected) as error:
        load_dataset(cfg, sequence_project)
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message


def test_single_class_sequences_are_refused(sequence_project):
    path = _write_fasta(sequence_project, [("s1|a", "ACGT"), ("s2|a", "ACGA")])
    cfg = _config(sequence_project, **{"data.path": path, "data.positive_class": None})
    with pytest.raises(LabError, match=r"holds a single class \(.a.\); a classifier needs at least two"):
        load_dataset(cfg, sequence_project)


def test_homology_split_keeps_related_sequences_together(sequence_project):
    cfg = _config(sequence_project)
    data = load_dataset(cfg, sequence_project)
    split, record, is_new = load_or_make_split(cfg, sequence_project, data, "0" * 64, "lab")
    assert is_new and record["settings"]["homology"] == {"method": "mmseqs", "min_identity": 0.8, "coverage": 0.8,
                                                         "k": 12}
    units = split_groups(cfg, data)
    train, test = set(units[split.train]), set(units[split.test])
    assert not train & test
    report, curves = homology_report(cfg, data, split, task_named("classification"))
    mine, plain = report["this_split"]["test_to_train"], report["random_split"]["test_to_train"]
    assert mine["n_related"] == 0 and mine["max"] < report["min_identity"] <= plain["max"]
    assert homology_leakage(report) == []
    # the simulated set holds families of related sequences: a plain random split scatters them
    assert report["random_split"]["test_to_train"]["n_related"] > 0
    assert report["largest_cluster"] > 1
    assert len(curves[("this_split", "test")]) == len(split.test)


def test_plain_split_of_related_sequences_is_flagged(sequence_project):
    cfg = _config(sequence_project, **{"sequence.homology.method": "none"})
    data = load_dataset(cfg, sequence_project)
    assert split_groups(cfg, data) is None
    split = make_split(data.y, None, cfg.split.train, cfg.split.tune, cfg.split_seed)
    report, _ = homology_report(cfg, data, split, task_named("classification"))
    assert report["flagged"] and report["this_split"]["test_to_train"]["n_related"] > 0
    assert homology_leakage(report) == []  # not a failure: a plain split was asked for, the warning says so
    warning = homology_warnings(report)[0]
    assert warning["check"] == "leakage" and "sequence.homology.method: mmseqs" in warning["message"]


def test_changing_the_homology_threshold_changes_the_split_settings(sequence_project):
    before = split_settings(_config(sequence_project))
    after = split_settings(_config(sequence_project, **{"sequence.homology.min_identity": 0.9}))
    assert before["homology"] != after["homology"]


def test_models_read_kmers_and_the_network_reads_one_hot_letters(sequence_project):
    cfg = _config(sequence_project)
    data = load_dataset(cfg, sequence_project)
    X, y = data.X.iloc[:200].reset_index(drop=True), data.y[:200]
    forest = build_model("random_forest", X, {"n_estimators": 20}, seed=0).fit(X, y)
    assert forest[:-1].transform(X).shape == (200, 4 ** cfg.sequence.kmer)
    params = {**fixed_params(cfg)["network"], "epochs": 3}
    network = build_model("network", X, params, seed=0).fit(X, y)
    assert type(network[-1]).__name__ == "TorchCNNClassifier"
    assert network[:-1].transform(X).shape == (200, X.length * 4)
    assert np.allclose(network.predict_proba(X).sum(axis=1), 1.0)


def test_data_simulate_writes_and_records_a_noisier_set(sequence_project, capsys):
    from {{ cookiecutter.module_name }}_engine.cli.commands import main
    from {{ cookiecutter.module_name }}_engine.data.provenance import simulation_of

    config = str(sequence_project / "lab.yaml")
    args = ["--config", config, "data", "simulate", "data/raw/noisy.fa", "--noise", "0.2", "--n-sequences", "300"]
    assert main(args) == 0
    generator = simulation_of(sequence_project, "data/raw/noisy.fa")
    assert generator["params"]["noise"] == 0.2 and generator["params"]["n_sequences"] == 300
    data = load_dataset(_config(sequence_project, **{"data.path": "data/raw/noisy.fa"}), sequence_project)
    assert len(data.y) == 300 and set(data.y) == {"bound", "unbound"}
    before = (sequence_project / "data/raw/noisy.fa").read_bytes()
    assert main(args) == 2  # never overwrites a file already there
    assert "already exists" in capsys.readouterr().err
    assert (sequence_project / "data/raw/noisy.fa").read_bytes() == before


def _fasta_with_labels_table(project):
    """The example FASTA with bare ids, its labels in data/labels.csv, both recorded in the manifest."""
    from {{ cookiecutter.module_name }}_engine.cli.commands import main

    text = (project / FASTA).read_text()
    headers = [line[1:].split()[0].split("|") for line in text.splitlines() if line.startswith(">")]
    ids, labels = [h[0] for h in headers], [h[1] for h in headers]
    bare = "\n".join(">" + line[1:].split("|")[0] if line.startswith(">") else line for line in text.splitlines())
    (project / "data" / "bare.fa").write_text(bare + "\n")
    pd.DataFrame({"id": ids, "label": labels}).to_csv(project / "data" / "labels.csv", index=False)
    config = str(project / "lab.yaml")
    for path in ("data/bare.fa", "data/labels.csv"):
        assert main(["--config", config, "data", "add", path, "--source", "test"]) == 0
    edit_yaml(project / "lab.yaml", **{"data.path": "data/bare.fa", "data.labels": "data/labels.csv"})
    return config


def test_check_names_every_input_it_verified(sequence_project, capsys):
    from {{ cookiecutter.module_name }}_engine.cli.commands import main

    config = _fasta_with_labels_table(sequence_project)
    capsys.readouterr()
    assert main(["--config", config, "check"]) == 0
    assert "data/bare.fa and data/labels.csv match data/manifest.yaml" in capsys.readouterr().out


def test_a_changed_label_in_the_side_table_refuses_the_recorded_split(sequence_project, capsys):
    from {{ cookiecutter.module_name }}_engine.cli.commands import main
    from {{ cookiecutter.module_name }}_engine.runner.execution import plan_run

    config = _fasta_with_labels_table(sequence_project)
    assert main(["--config", config, "split", "--new"]) == 0
    record = load_config(config)
    table = pd.read_csv(sequence_project / "data" / "labels.csv")
    table.loc[0, "label"] = "unbound" if table.loc[0, "label"] == "bound" else "bound"
    table.to_csv(sequence_project / "data" / "labels.csv", index=False)
    assert main(["--config", config, "data", "accept", "data/labels.csv"]) == 0
    capsys.readouterr()
    for command in (["check"], ["split"]):
        assert main(["--config", config, *command]) == 2
        err = capsys.readouterr().err
        assert "another version of data/labels.csv" in err and "split --new" in err
        assert "data/bare.fa" not in err.split("another version of")[1].split("which")[0]  # the FASTA is unchanged
    with pytest.raises(LabError, match=r"data/labels\.csv.*split --new"):
        plan_run(sequence_project / "lab.yaml", {})
    assert record.input_paths == ["data/bare.fa", "data/labels.csv"]
    assert main(["--config", config, "split", "--new"]) == 0  # a deliberate new split accepts the new labels
    assert main(["--config", config, "check"]) == 0
