"""The simulated protein family set: deterministic, motif in the active proteins, families 30-90% identical."""

import re
from pathlib import Path

import numpy as np
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.modalities.sequence.fasta import write_fasta
from {{ cookiecutter.module_name }}_engine.modalities.sequence.simulate import protein_manifest_entry, simulate_protein_families

SHIPPED = Path(__file__).resolve().parents[3] / "data" / "external" / "protein_families_simulated.fa"
WALKER_A = re.compile("G....GK[ST]")


def test_protein_simulator_is_deterministic_and_records_its_settings():
    records, params = simulate_protein_families(n_families=5, family_size=4, seed=3)
    again, _ = simulate_protein_families(n_families=5, family_size=4, seed=3)
    other, _ = simulate_protein_families(n_families=5, family_size=4, seed=4)
    assert records == again and records != other
    assert params["n_sequences"] == len(records) == 20 and params["identity_range"] == [0.3, 0.9]
    assert sum(params["counts"].values()) == 20 and len({r[3] for r in records}) == 5
    with pytest.raises(LabError, match="at least 2 families"):
        simulate_protein_families(n_families=1)


def test_active_proteins_carry_the_planted_motif():
    records, _ = simulate_protein_families(n_families=20, family_size=10, noise=0.0, seed=1)
    active = [bool(WALKER_A.search(s)) for _, s, label, _ in records if label == "active"]
    inactive = [bool(WALKER_A.search(s)) for _, s, label, _ in records if label == "inactive"]
    assert all(active) and np.mean(inactive) < 0.05


def test_family_members_span_the_requested_identities():
    records, _ = simulate_protein_families(n_families=2, family_size=200, noise=0.0, seed=2)
    members = np.array([list(s) for _, s, _, family in records if family == "fam001"])
    founder = [max(set(column), key=list(column).count) for column in members.T]  # the consensus of 200 copies
    identity = (members == np.array(founder)).mean(axis=1)
    assert 0.2 < identity.min() < 0.36 and 0.84 < identity.max() < 0.98  # 30-90%, plus sampling noise


@pytest.mark.skipif(not SHIPPED.is_file(), reason="this project ships no simulated protein file")
def test_shipped_protein_file_is_what_the_simulator_makes(tmp_path):
    records, params = simulate_protein_families()
    sha = write_fasta(tmp_path / "fresh.fa", records)
    assert (tmp_path / "fresh.fa").read_bytes() == SHIPPED.read_bytes()
    entry = protein_manifest_entry("data/external/protein_families_simulated.fa", params, sha)
    assert entry["description"].startswith("SIMULATED") and entry["sha256"] == sha
