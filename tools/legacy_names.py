"""Write every class and function the flat module defined before the engine's move, for the project tests.

Until commit a093721 a baked project kept all its code in one flat module, `src/<module>/`, and the
models a run saved (joblib pickles) name their classes and functions by those paths, e.g.
`<module>.nets.TorchMLPClassifier` or `<module>.preprocess.as_text`. The engine's
`models/saved.py` maps them to where they live now; the baked project's test
`tests/test_saved_models.py` checks that map against this list, which a baked project cannot make
itself (it has no history of the template). Private names are listed when a pickle could hold them:
every private class (its instances name it), and every private function that the package uses other
than by calling it (a FunctionTransformer, a partial or a table of functions keeps it as a value).

Run from the template's root:  .venv/bin/python tools/legacy_names.py [commit]
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMIT = "a093721"  # the last commit with the flat layout
FLAT = "{{cookiecutter.project_slug}}/src/{{cookiecutter.module_name}}"
FILE = ROOT / "{{cookiecutter.project_slug}}" / "tests" / "data" / "legacy_names.json"
DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
NOT_IMPORTED = {"__init__", "__main__"}  # the package itself and its command: nothing a pickle names


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def flat_modules(commit: str) -> list[str]:
    """The flat module's .py files at `commit`, as module names."""
    listing = git("ls-tree", "--name-only", f"{commit}:{FLAT}").split()
    return sorted(name[:-3] for name in listing if name.endswith(".py") and name[:-3] not in NOT_IMPORTED)


def held_as_values(trees: list[ast.Module]) -> set[str]:
    """Names the package uses other than as the function of a call: passed, stored or returned."""
    called = {id(node.func) for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {node.id if isinstance(node, ast.Name) else node.attr for tree in trees for node in ast.walk(tree)
            if isinstance(node, ast.Name | ast.Attribute) and id(node) not in called}


def picklable_names(tree: ast.Module, values: set[str]) -> list[str]:
    """The classes and functions a module defines at its top level that a pickle could name, in order."""
    return [node.name for node in tree.body if isinstance(node, DEFINITIONS)
            and (not node.name.startswith("_") or isinstance(node, ast.ClassDef) or node.name in values)]


def main(commit: str = COMMIT) -> None:
    full = git("rev-parse", commit).strip()
    trees = {name: ast.parse(git("show", f"{commit}:{FLAT}/{name}.py")) for name in flat_modules(commit)}
    values = held_as_values(list(trees.values()))
    modules = {name: picklable_names(tree, values) for name, tree in trees.items()}
    record = {
        "source": "top-level classes and functions a pickle could name, of every module in the flat "
                  f"src/<module>/ at commit {full} (git show), written by tools/legacy_names.py",
        "commit": full,
        "modules": modules,
    }
    # No braces in the text: cookiecutter renders this file like every other one in the project.
    FILE.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"{FILE.relative_to(ROOT)}: {len(modules)} modules, {sum(map(len, modules.values()))} names")


if __name__ == "__main__":
    main(*sys.argv[1:2])
