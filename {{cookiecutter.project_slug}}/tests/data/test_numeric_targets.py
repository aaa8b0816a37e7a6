"""A user's own numeric target: a table, or a FASTA file with the values in a side table or the headers."""

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import PROJECT

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.data.loading import load_dataset
from {{ cookiecutter.module_name }}_engine.settings.config import Config


def _config(**data):
    raw = yaml.safe_load((PROJECT / "lab.yaml").read_text())
    raw.update(task="regression")
    raw["tuning"].pop("families", None)
    raw["tuning"]["metric"] = None
    raw["network"]["loss"] = None
    raw["data"] = {"target": "activity", "positive_class": None, "sensitive": False, **data}
    if "labels" in data or data.get("path", "").endswith(".fa"):
        raw["modality"] = "sequence"
        raw["network"].update(channels=8, kernel_size=5)
        raw["sequence"] = {"alphabet": "dna", "kmer": 2, "homology": {"method": "none"}}
    else:
        raw["modality"] = "tabular"
        for key in ("channels", "kernel_size", "both_strands"):
            raw["network"].pop(key, None)
        raw.pop("sequence", None)
    return Config.model_validate(raw)


def _fasta(path, headers=False):
    rng = np.random.default_rng(0)
    lines = []
    for i in range(12):
        sequence = "".join(rng.choice(list("ACGT"), 20))
        lines += [f">s{i}" + (f"|{i * 0.5}" if headers else ""), sequence]
    path.write_text("\n".join(lines) + "\n")


def test_table_target_is_read_as_numbers(tmp_path):
    pd.DataFrame({"id": [f"r{i}" for i in range(10)], "x": np.arange(10.0), "activity": np.arange(10) ** 2})\
        .to_csv(tmp_path / "t.csv", index=False)
    data = load_dataset(_config(path="t.csv", id_column="id"), tmp_path)
    assert data.y.dtype == np.float64 and data.y[3] == 9.0 and data.classes == ()
    assert list(data.X.columns) == ["x"]


def test_fasta_with_a_side_table_and_with_headers(tmp_path):
    _fasta(tmp_path / "s.fa")
    pd.DataFrame({"id": [f"s{i}" for i in range(12)], "activity": np.linspace(-1, 1, 12)}).to_csv(
        tmp_path / "side.csv", index=False)
    data = load_dataset(_config(path="s.fa", labels="side.csv", id_column="id"), tmp_path)
    assert data.y.tolist() == pytest.approx(np.linspace(-1, 1, 12).tolist())
    _fasta(tmp_path / "h.fa", headers=True)
    assert load_dataset(_config(path="h.fa", labels=None, id_column="id"), tmp_path).y[4] == 2.0


def test_a_text_value_in_the_side_table_names_the_sequence(tmp_path):
    _fasta(tmp_path / "s.fa")
    values = [str(v) for v in np.linspace(-1, 1, 12)]
    values[7] = "strong"
    pd.DataFrame({"id": [f"s{i}" for i in range(12)], "activity": values}).to_csv(tmp_path / "side.csv", index=False)
    with pytest.raises(LabError, match=r"side\.csv: target column 'activity' .* holds 'strong' on sequence 's7'"):
        load_dataset(_config(path="s.fa", labels="side.csv", id_column="id"), tmp_path)
