"""The engine's layout holds: variation by modality or task lives behind the two registries only.

Each modality is one folder under modalities/ and each task one folder under tasks/, registered in
that package's registry.py. Code anywhere else, notebooks included, asks the registered objects and
never tests which modality or task it runs; these tests count such branches, so it stays that way.
"""

import json
import re
from pathlib import Path

import pytest

from {{ cookiecutter.module_name }}_engine.common.names import ENGINE, STUDY
from {{ cookiecutter.module_name }}_engine.modalities.contract import check_modality
from {{ cookiecutter.module_name }}_engine.modalities.registry import MODALITIES
from {{ cookiecutter.module_name }}_engine.tasks.contract import Task, check_task
from {{ cookiecutter.module_name }}_engine.tasks.registry import TASKS

PROJECT = Path(__file__).resolve().parents[1]
ENGINE_DIR = PROJECT / "src" / ENGINE
STUDY_DIR = PROJECT / "src" / STUDY
AXES = ("modalities", "tasks")  # the two registries: each holds one folder per modality or task
AXIS_WORDS = "tabular|sequence|image|classification|regression"
# A test of which modality or task the code runs: comparisons, membership tests and the old helpers.
BRANCH = re.compile(
    r"\b(modality|task)\s*(==|!=)|\b(modality|task)\s+(not\s+)?in\s+[(\[{'\"]|is_regression|is_images\(|is_sequences\("
    rf"|dtype\.kind\s*==\s*['\"]f['\"]|(==|!=)\s*['\"]({AXIS_WORDS})['\"]|['\"]({AXIS_WORDS})['\"]\s*(==|!=)"
)


def _engine_files(outside_axes=True):
    for path in sorted(ENGINE_DIR.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        if outside_axes and path.relative_to(ENGINE_DIR).parts[0] in AXES:
            continue
        yield path


def branches(lines, where):
    """'file:line: text' of every line that tests which modality or task it runs."""
    return [f"{where}:{number}: {line.strip()}" for number, line in enumerate(lines, 1)
            if BRANCH.search(line) and not line.lstrip().startswith("#")]


def test_the_branch_pattern_finds_what_it_is_meant_to():
    planted = ['if cfg.task == "regression":', "if is_sequences(X):", "x = y.dtype.kind == 'f'",
               'elif run.cfg.modality != "image":', "if modality in ('tabular',):"]
    assert len(branches(planted, "planted")) == len(planted)
    assert branches(["modality.overview(data)", "task.score(model, X, y)", "# if task == 'regression'",
                     "A run's task in its reports: the task's ReportView"], "x") == []


def test_no_engine_code_outside_the_registries_branches_on_modality_or_task():
    found = [hit for path in _engine_files() for hit in
             branches(path.read_text(encoding="utf-8").splitlines(), path.relative_to(ENGINE_DIR))]
    assert found == [], "\n".join(found)


def test_no_notebook_code_branches_on_modality_or_task():
    found = []
    for path in sorted((PROJECT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                found += branches("".join(cell["source"]).splitlines(), path.name)
    assert found == [], "\n".join(found)


def test_each_modality_and_task_is_one_folder_of_its_registry():
    for axis, registered in (("modalities", MODALITIES), ("tasks", TASKS)):
        folders = {p.name for p in (ENGINE_DIR / axis).iterdir() if (p / "__init__.py").is_file()}
        assert folders == set(registered), f"{axis}/ holds {sorted(folders)}, its registry {sorted(registered)}"


def test_no_file_name_carries_an_axis_prefix():
    prefixed = [str(p.relative_to(ENGINE_DIR)) for p in _engine_files(outside_axes=False)
                if re.match(rf"({AXIS_WORDS}|images?|sequences?|subgroup_regression)_", p.name)]
    assert prefixed == []


def test_no_engine_folder_holds_more_than_fifteen_python_files():
    folders = {path.parent for path in _engine_files(outside_axes=False)}
    crowded = {str(f.relative_to(ENGINE_DIR)): n for f in folders if (n := len(list(f.glob("*.py")))) > 15}
    assert crowded == {}


@pytest.mark.parametrize("name", sorted(TASKS))
def test_every_registered_task_meets_the_contract(name):
    assert check_task(TASKS[name]) == []


@pytest.mark.parametrize("name", sorted(MODALITIES))
def test_every_registered_modality_meets_the_contract(name):
    assert check_modality(MODALITIES[name]) == []


def test_the_contract_check_names_what_a_task_lacks():
    class Half(type(TASKS["classification"])):
        name = "half"
        score = Task.score  # the contract's own, unimplemented
        report = None

    problems = check_task(Half())
    assert "method score is not implemented" in problems
    assert "report is not a ReportView" in problems


def test_the_study_module_stays_small():
    files = sorted(STUDY_DIR.glob("*.py"))
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files)
    assert 2 <= len(files) <= 8 and lines <= 400, (len(files), lines)
