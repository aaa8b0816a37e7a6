"""Regenerate the template's simulated sequence files and print their data/manifest.yaml entries.

The DNA binding-site file and the protein family file are made by the project module's own
simulators with their default settings, so they can be rebuilt byte for byte anywhere:
`python tools/simulate_sequences.py` writes them, `--check` exits 1 when a shipped file differs
from what its simulator makes.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "{{cookiecutter.project_slug}}"
MODULE = PROJECT / "src" / "{{cookiecutter.module_name}}_engine"
RELPATH = "data/external/tf_binding_simulated.fa"
PROTEIN_RELPATH = "data/external/protein_families_simulated.fa"
AFFINITY_RELPATH = "data/external/binding_affinity_simulated.fa"


def load_sequences_module(name: str = "modalities.sequence.fasta"):
    """Import the template's module (its folder name is a Jinja placeholder) and return one of its files."""
    if "labmodule" in sys.modules:
        return importlib.import_module(f"labmodule.{name}")
    spec = importlib.util.spec_from_file_location("labmodule", MODULE / "__init__.py",
                                                  submodule_search_locations=[str(MODULE)])
    package = importlib.util.module_from_spec(spec)
    sys.modules["labmodule"] = package
    spec.loader.exec_module(package)
    return importlib.import_module(f"labmodule.{name}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare the shipped file with a fresh one")
    args = parser.parse_args(argv)
    sequences, protein = load_sequences_module(), load_sequences_module("modalities.sequence.simulate")
    affinity = load_sequences_module("modalities.sequence.simulate")
    made = [(RELPATH, *sequences.simulate_binding_sites(), sequences.simulated_manifest_entry),
            (PROTEIN_RELPATH, *protein.simulate_protein_families(), protein.protein_manifest_entry),
            (AFFINITY_RELPATH, *affinity.simulate_binding_affinity(), affinity.affinity_manifest_entry)]
    if args.check:
        stale = 0
        for relpath, records, _, _ in made:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "fresh.fa"
                sequences.write_fasta(fresh, records)
                same = (PROJECT / relpath).is_file() and fresh.read_bytes() == (PROJECT / relpath).read_bytes()
            print(f"{relpath}: {'up to date' if same else 'DIFFERS from what the simulator makes'}")
            stale += not same
        return 1 if stale else 0
    for relpath, records, params, manifest_entry in made:
        sha256 = sequences.write_fasta(PROJECT / relpath, records)
        entry = manifest_entry(relpath, params, sha256)
        print(yaml.safe_dump({"files": [entry]}, sort_keys=False, allow_unicode=True, width=100,
                             default_flow_style=None))
    return 0

if __name__ == "__main__":
    sys.exit(main())
