"""The sequence bake can choose the protein example: simulated families with a planted motif, marked as such."""

import hashlib
import os
import subprocess
import sys

import pytest
import yaml
from conftest import assert_baked

PROTEIN = "data/external/protein_families_simulated.fa"
DNA = "data/external/tf_binding_simulated.fa"


def test_protein_bake_ships_the_protein_example_listed_as_simulated(bake_once):
    project = assert_baked(bake_once(modality="sequence", sequence_alphabet="protein"))
    assert (project / PROTEIN).is_file() and not (project / DNA).exists()
    entry = yaml.safe_load((project / "data/manifest.yaml").read_text())["files"][0]
    assert entry["path"] == PROTEIN and entry["description"].startswith("SIMULATED")
    assert entry["generator"]["name"] == "simulate_protein.simulate_protein_families"
    assert entry["sha256"] == hashlib.sha256((project / PROTEIN).read_bytes()).hexdigest()
    code = ("from my_lab_project_engine.settings.config import load_config; c = load_config('lab.yaml'); "
            "print(c.sequence.alphabet, c.data.path, c.data.positive_class)")
    result = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True,
                            env={"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0 and result.stdout.split() == ["protein", PROTEIN, "active"], result.stderr


def test_dna_bake_does_not_ship_the_protein_example(bake_once):
    project = assert_baked(bake_once(modality="sequence"))
    assert (project / DNA).is_file() and not (project / PROTEIN).exists()


@pytest.mark.slow
def test_protein_project_tests_pass_and_skip_the_dna_examples_saying_why(bake_once):
    # `make test` in a protein project: the tests written around the DNA example skip with the reason
    project = assert_baked(bake_once(modality="sequence", sequence_alphabet="protein"))
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs"], cwd=project,
                            capture_output=True, text=True, timeout=900,
                            env={**os.environ, "PYTHONPATH": str(project / "src")})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
    assert "this project's sequences are protein" in result.stdout
