import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys
from {{ cookiecutter.module_name }}_engine.common.lazy_imports import without_iri_grammars
without_iri_grammars()
import nbformat, papermill  # what the runner imports; nbconvert in the report
from {{ cookiecutter.module_name }}_engine.reports.dome_registry import validation_errors
notebook = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(notebook)
broken = nbformat.from_dict({**notebook, "cells": [{"cell_type": "code", "source": 1}]})
try:
    nbformat.validate(broken)
    structure = "accepted"
except nbformat.ValidationError:
    structure = "refused"
print(json.dumps({"grammars": "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is not None,
                  "structure": structure, "registry": validation_errors({"publication": 3})}))
"""


def test_notebooks_and_the_registry_entry_are_still_validated_without_the_iri_grammars():
    root = Path(__file__).resolve().parents[2]
    notebook = sorted((root / "notebooks").glob("00_*.ipynb"))[0]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(notebook)], capture_output=True, text=True,
                            cwd=root, env=env, check=True)
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["grammars"] is False  # not compiled in this process
    assert outcome["structure"] == "refused"  # nbformat's schema still applies
    assert any(line.startswith("publication") for line in outcome["registry"])  # and the DOME Registry's
