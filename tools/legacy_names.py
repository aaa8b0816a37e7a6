"""Write every class and function the flat module defined before the engine's move, for the project tests.

Until commit a093721 a baked project kept all its code in one flat module, `src/<module>/`, and the
models a run saved (joblib pickles) name their classes and functions by those paths, e.g.
`<module>.nets.TorchMLPClassifier` or `<module>.preprocess.as_text`. The engine's
`models/saved.py` maps them to where they live now; the baked project's test
`tests/models/test_saved_models.py` checks that map against this list, which a baked project cannot make
itself (it has no history of the template). A saved model is a Pipeline of estimators, transformers
and networks, so the names it can hold are the classes that derive (directly or through one another)
from scikit-learn's or PyTorch's bases, and the functions a FunctionTransformer or a partial keeps.

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
FILE = ROOT / "{{cookiecutter.project_slug}}" / "tests" / "fixtures" / "legacy_names.json"
DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
NOT_IMPORTED = {"__init__", "__main__"}  # the package itself and its command: nothing a pickle names


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def flat_modules(commit: str) -> list[str]:
    """The flat module's .py files at `commit`, as module names."""
    listing = git("ls-tree", "--name-only", f"{commit}:{FLAT}").split()
    return sorted(name[:-3] for name in listing if name.endswith(".py") and name[:-3] not in NOT_IMPORTED)


ESTIMATOR_BASES = {"BaseEstimator", "TransformerMixin", "ClassifierMixin", "RegressorMixin", "Module"}
HOLDERS = {"FunctionTransformer", "partial"}  # calls that keep a function inside the object they make


def held_functions(trees: list[ast.Module]) -> set[str]:
    """Names of functions handed to a FunctionTransformer or a partial, which keep them inside a model."""
    held = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _last(node.func) in HOLDERS:
                for value in [*node.args[:1], *(k.value for k in node.keywords if k.arg == "func")]:
                    held.add(_last(value))
    return held


def estimator_classes(trees: list[ast.Module]) -> set[str]:
    """Classes deriving from scikit-learn's or PyTorch's bases, directly or through one another."""
    bases = {node.name: {_last(b) for b in node.bases} for tree in trees for node in tree.body
             if isinstance(node, ast.ClassDef)}
    found, grown = set(), True
    while grown:
        grown = False
        for name, parents in bases.items():
            if name not in found and parents & (ESTIMATOR_BASES | found):
                found.add(name)
                grown = True
    return found


def picklable_names(tree: ast.Module, classes: set[str], functions: set[str]) -> list[str]:
    """The classes and functions a module defines at its top level that a saved model could name, in order."""
    return [node.name for node in tree.body if isinstance(node, DEFINITIONS)
            and (node.name in classes if isinstance(node, ast.ClassDef) else node.name in functions)]


def _last(node) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def main(commit: str = COMMIT) -> None:
    full = git("rev-parse", commit).strip()
    trees = {name: ast.parse(git("show", f"{commit}:{FLAT}/{name}.py")) for name in flat_modules(commit)}
    classes, functions = estimator_classes(list(trees.values())), held_functions(list(trees.values()))
    modules = {name: names for name, tree in trees.items() if (names := picklable_names(tree, classes, functions))}
    record = {
        "source": "the estimator classes and held functions a saved model could name, of every module in the flat "
                  f"src/<module>/ at commit {full} (git show), written by tools/legacy_names.py",
        "commit": full,
        "modules": modules,
    }
    # No braces in the text: cookiecutter renders this file like every other one in the project.
    FILE.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"{FILE.relative_to(ROOT)}: {len(modules)} modules, {sum(map(len, modules.values()))} names")


if __name__ == "__main__":
    main(*sys.argv[1:2])
