"""Regenerate the template's simulated sequence file and print its data/manifest.yaml entry.

The file is made by the project module's own simulator with its default settings, so it can be
rebuilt byte for byte anywhere: `python tools/simulate_sequences.py` writes it, `--check` exits 1
when the shipped file differs from what the simulator makes.
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
MODULE = PROJECT / "src" / "{{cookiecutter.module_name}}"
RELPATH = "data/external/tf_binding_simulated.fa"


def load_sequences_module():
    """Import the template's module (its folder name is a Jinja placeholder) and return its sequences.py."""
    spec = importlib.util.spec_from_file_location("labmodule", MODULE / "__init__.py",
                                                  submodule_search_locations=[str(MODULE)])
    package = importlib.util.module_from_spec(spec)
    sys.modules["labmodule"] = package
    spec.loader.exec_module(package)
    return importlib.import_module("labmodule.sequences")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare the shipped file with a fresh one")
    args = parser.parse_args(argv)
    sequences = load_sequences_module()
    records, params = sequences.simulate_binding_sites()
    target = PROJECT / RELPATH
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "fresh.fa"
            sequences.write_fasta(fresh, records)
            same = target.is_file() and fresh.read_bytes() == target.read_bytes()
        print(f"{RELPATH}: {'up to date' if same else 'DIFFERS from what the simulator makes'}")
        return 0 if same else 1
    sha256 = sequences.write_fasta(target, records)
    entry = sequences.simulated_manifest_entry(RELPATH, params, sha256)
    print(yaml.safe_dump({"files": [entry]}, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
