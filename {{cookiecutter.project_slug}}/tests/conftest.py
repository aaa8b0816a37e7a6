"""Shared fixtures: a throwaway copy of this project with its lab.yaml, data and manifest.

Tests of the example study use the fixture of this project's modality (`project` for a table,
`sequence_project` for sequences); the other one skips, saying why.
"""

import shutil
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS = yaml.safe_load((PROJECT / "lab.yaml").read_text())
MODALITY = SETTINGS["modality"]
TASK = SETTINGS.get("task", "classification")
ALPHABET = (SETTINGS.get("sequence") or {}).get("alphabet", "dna")


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's lab.yaml, data (without recorded splits), manifest, register and notebooks.

    Only in a project of tabular data: these tests use the example table's columns.
    """
    if MODALITY != "tabular":
        pytest.skip(f"uses the example table; this project's modality is {MODALITY}")
    if TASK != "classification":
        pytest.skip(f"uses the example classification table; this project's task is {TASK}")
    return _copy_project(tmp_path)


@pytest.fixture
def sequence_project(tmp_path) -> Path:
    """The same copy, in a project of DNA sequences (FASTA): these tests use the DNA example's labels and motif."""
    if MODALITY != "sequence":
        pytest.skip(f"uses the example sequences; this project's modality is {MODALITY}")
    if TASK != "classification":
        pytest.skip(f"uses the example classification sequences; this project's task is {TASK}")
    if ALPHABET != "dna":
        pytest.skip(f"uses the example DNA binding windows; this project's sequences are {ALPHABET}")
    return _copy_project(tmp_path)


def _copy_project(tmp_path) -> Path:
    root = tmp_path / "study"
    root.mkdir()
    shutil.copy(PROJECT / "lab.yaml", root / "lab.yaml")
    shutil.copytree(PROJECT / "data", root / "data", ignore=shutil.ignore_patterns("raw", "interim", "splits"))
    shutil.copytree(PROJECT / "ethics", root / "ethics")
    shutil.copytree(PROJECT / "notebooks", root / "notebooks")
    return root


def edit_yaml(path: Path, **changes) -> None:
    """Set dotted keys in a YAML file, e.g. edit_yaml(p, **{"data.target": "x"})."""
    import yaml

    raw = yaml.safe_load(path.read_text())
    for dotted, value in changes.items():
        node = raw
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = value
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
