"""The notebooks' public API: one lazy module, documented on one page, and all the notebooks import."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import {{ cookiecutter.module_name }}_engine as engine
from {{ cookiecutter.module_name }}_engine.api import MODULES, NAMES

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = engine.__name__


def test_api_md_documents_exactly_the_exported_names():
    page = (PROJECT / "API.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)` \|", page, re.M))
    assert documented == set(NAMES) | set(MODULES)


def test_every_exported_name_resolves_to_an_object_with_a_meaning():
    for name in sorted(set(NAMES) | set(MODULES)):
        assert getattr(engine, name) is not None, name
    assert set(dir(engine)) >= set(NAMES) | set(MODULES)


def test_an_unknown_name_is_an_attribute_error():
    try:
        engine.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("an unknown name must not resolve")


def test_the_notebooks_import_the_engine_only_through_its_api():
    outside = []
    for path in sorted((PROJECT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE):
                    names = {alias.name for alias in node.names}
                    if node.module != PACKAGE or names - set(NAMES) - set(MODULES):
                        outside.append(f"{path.name}: from {node.module} import {', '.join(sorted(names))}")
    assert outside == []


def test_importing_the_engine_loads_nothing_heavy():
    code = (f"import sys, {PACKAGE} as e\n"
            f"e.Run, e.explore, e.plots\n"
            "print(sorted(m for m in ('torch', 'optuna', 'captum') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, timeout=300,
                            env={"PYTHONPATH": str(PROJECT / "src"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
