"""Bake the template with every option and check the tree it makes."""

import hashlib
import itertools
import json
import re
import subprocess
import sys

import nbformat
import pytest
import tomllib
import yaml
from conftest import (
    ALL_NOTEBOOKS,
    DEFAULT_MODULE,
    DEFAULT_SLUG,
    OPTIONAL_PATHS,
    TEMPLATE_DIR,
    UNRENDERED_JINJA,
    assert_baked,
    expected_paths,
    read_text_or_none,
)
from cookiecutter.hooks import run_script_with_context

LICENSES = ("MIT", "BSD-3-Clause", "Apache-2.0", "none")
LICENSE_TITLES = {
    "MIT": ("MIT License",),
    "BSD-3-Clause": ("BSD 3-Clause License",),
    "Apache-2.0": ("Apache License", "Version 2.0, January 2004"),
}
CIS = ("github-actions", "none")
STRUCTURED_PARSERS = {
    ".toml": tomllib.loads,
    ".yaml": yaml.safe_load,
    ".yml": yaml.safe_load,
    ".cff": yaml.safe_load,
    ".json": json.loads,
    ".ipynb": json.loads,
}
SENSITIVE = (True, False)
COMBINATIONS = [
    dict(license=lic, sensitive_data=sens, ci=ci, modality="tabular")
    for lic, sens, ci in itertools.product(LICENSES, SENSITIVE, CIS)
]


def combo_id(answers):
    return f"{answers['license']}-sensitive{answers['sensitive_data']}-ci_{answers['ci']}"


# --- default bake -------------------------------------------------------------------------


def test_default_bake_succeeds(bake_once):
    project = assert_baked(bake_once())
    assert project.name == DEFAULT_SLUG


@pytest.mark.parametrize("relative", expected_paths(DEFAULT_MODULE))
def test_default_bake_holds_contract_path(bake_once, relative):
    project = assert_baked(bake_once())
    assert (project / relative).exists(), f"{relative} missing from the baked project"


@pytest.mark.parametrize("package", [DEFAULT_MODULE, f"{DEFAULT_MODULE}_engine"])
def test_module_is_plain_python_package(bake_once, package):
    project = assert_baked(bake_once())
    package = project / "src" / package
    assert (package / "__init__.py").is_file()
    sources = list(package.rglob("*.py"))
    assert sources
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, f"Jinja left in {source.name}"


# --- every option combination -------------------------------------------------------------


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_combination_bakes(bake_once, answers):
    assert_baked(bake_once(**answers))


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_optional_paths_follow_answers(bake_once, answers):
    project = assert_baked(bake_once(**answers))
    for relative, (field, off_value) in OPTIONAL_PATHS.items():
        should_exist = answers[field] != off_value
        assert (project / relative).exists() == should_exist, relative
    if answers["ci"] == "none":
        assert not (project / ".github").exists(), ".github should be removed entirely"


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_license_text_matches_choice(bake_once, answers):
    project = assert_baked(bake_once(**answers))
    license_file = project / "LICENSE"
    if answers["license"] == "none":
        assert not license_file.exists()
        return
    text = license_file.read_text(encoding="utf-8")
    for title in LICENSE_TITLES[answers["license"]]:
        assert title in text
    for other, titles in LICENSE_TITLES.items():
        if other != answers["license"]:
            assert titles[0] not in text, f"{other} text leaked into {answers['license']}"
    assert "2026" in text
    assert "Your Name" in text  # the default author_name is the copyright holder
    assert text.endswith("\n") and not text.endswith("\n\n")


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_no_unrendered_jinja(bake_once, answers):
    project = assert_baked(bake_once(**answers))
    leftovers = []
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project).as_posix()
        if "{{" in relative or "{%" in relative:
            leftovers.append(f"{relative} (path)")
        if not path.is_file():
            continue
        text = read_text_or_none(path)
        if text is not None and UNRENDERED_JINJA.search(text):
            leftovers.append(relative)
    assert leftovers == []


@pytest.mark.parametrize("sensitive", SENSITIVE)
def test_sensitive_answer_reaches_lab_yaml(bake_once, sensitive):
    project = assert_baked(bake_once(sensitive_data=sensitive))
    lab = yaml.safe_load((project / "lab.yaml").read_text(encoding="utf-8"))
    flags = list(find_key(lab, "sensitive"))
    assert flags and all(flag is sensitive for flag in flags), flags


def find_key(tree, key):
    """Every value stored under `key` anywhere in a parsed YAML tree."""
    if isinstance(tree, dict):
        for name, value in tree.items():
            if name == key:
                yield value
            yield from find_key(value, key)
    elif isinstance(tree, list):
        for item in tree:
            yield from find_key(item, key)


# --- names flow through -------------------------------------------------------------------


def test_project_name_sets_slug_and_module(bake_once):
    result = bake_once(project_name="Gut Microbiome Study")
    project = assert_baked(result)
    assert result.context["project_slug"] == "gut-microbiome-study"
    assert result.context["module_name"] == "gut_microbiome_study"
    assert project.name == "gut-microbiome-study"
    assert (project / "src" / "gut_microbiome_study" / "__init__.py").is_file()


def test_explicit_module_name_is_used(bake_once):
    result = bake_once(project_name="Gut Microbiome Study", module_name="gut_study")
    project = assert_baked(result)
    assert (project / "src" / "gut_study" / "__init__.py").is_file()
    assert not (project / "src" / "gut_microbiome_study").exists()


TRICKY_BUT_VALID = {
    "digits-in-names": dict(project_slug="lab2-x9", module_name="lab2_x9"),
    "soft-keyword-module": dict(module_name="match"),  # soft keywords import fine
    "punctuation-and-accents": dict(
        project_name="Gut: O'Brien's Study #1 (v2) & more",
        project_slug="gut-study",
        author_name="Zoë O'Brien-Ñúñez",
        email="zoe.obrien@lab.example.ac.uk",
        description="Does it work: yes, 'really' # maybe {not} 100% <ok>",
    ),
}


@pytest.mark.parametrize("answers", TRICKY_BUT_VALID.values(), ids=TRICKY_BUT_VALID.keys())
def test_unusual_but_valid_answers_bake(bake_once, answers):
    project = assert_baked(bake_once(**answers))
    module = answers.get("module_name")
    if module:
        assert (project / "src" / module / "__init__.py").is_file()
    if "author_name" in answers:
        assert answers["author_name"] in (project / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("answers", TRICKY_BUT_VALID.values(), ids=TRICKY_BUT_VALID.keys())
def test_structured_files_parse(bake_once, answers):
    """Answers with quotes, colons and accents must not break TOML, YAML or JSON files."""
    project = assert_baked(bake_once(**answers))
    broken = []
    for path in sorted(project.rglob("*")):
        parse = STRUCTURED_PARSERS.get(path.suffix)
        if parse is None or not path.is_file():
            continue
        try:
            parse(path.read_text(encoding="utf-8"))
        except Exception as err:  # noqa: BLE001 - report every broken file at once
            broken.append(f"{path.relative_to(project)}: {err}")
    assert broken == []


# --- notebooks ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_notebook_is_valid_with_one_parameters_cell(bake_once, name):
    project = assert_baked(bake_once())
    path = project / "notebooks" / name
    assert path.is_file(), f"notebooks/{name} missing"
    notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert notebook.nbformat == 4
    nbformat.validate(notebook)
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{name}: {len(tagged)} cells tagged 'parameters', expected 1"


def test_no_unexpected_notebooks(bake_once):
    project = assert_baked(bake_once())
    found = {p.name for p in (project / "notebooks").glob("*.ipynb")}
    assert found <= set(ALL_NOTEBOOKS)


# --- CI workflow --------------------------------------------------------------------------


def test_workflow_parses_and_runs_the_pipeline(bake_once):
    project = assert_baked(bake_once(ci="github-actions"))
    text = (project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "{% raw %}" not in text and "{% endraw %}" not in text
    workflow = yaml.safe_load(text)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers and "pull_request" in triggers
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    steps = job["steps"]
    commands = [step.get("run", "") for step in steps]
    for target in ("make setup", "make test", "make run PROFILE=quick"):
        assert any(target in command for command in commands), target
    python = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python")]
    assert python and str(python[0]["with"]["python-version"]) == "3.11"
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload and upload[0]["with"]["path"] == "reports/runs"


# --- post-generation hook -----------------------------------------------------------------


def test_post_gen_hook_is_idempotent(bake_fresh):
    result, _ = bake_fresh(license="none", ci="none")
    project = assert_baked(result)
    hook = TEMPLATE_DIR / "hooks" / "post_gen_project.py"
    for _ in range(2):  # files already gone: must neither fail nor complain
        run_script_with_context(hook, project, {"cookiecutter": result.context})
    assert not (project / "LICENSE").exists()
    assert not (project / ".github").exists()


# --- the template repo's dev requirements cover the baked project --------------------------


def distribution_name(requirement):
    """'scikit-learn>=1.5' -> 'scikit-learn', normalised as PEP 503 does."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


def test_dev_requirements_cover_project_dependencies(bake_once):
    """`make venv` must install everything a baked project imports, so tests can run it."""
    project = assert_baked(bake_once())
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = list(meta.get("dependencies", []))
    for extra in meta.get("optional-dependencies", {}).values():
        needed += extra
    lines = (TEMPLATE_DIR / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    requirements = [line for line in lines if line.strip() and not line.startswith("#")]
    installed = {distribution_name(line) for line in requirements}
    missing = sorted({distribution_name(req) for req in needed} - installed)
    assert missing == [], f"add {missing} to requirements-dev.txt"


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_papermill_reads_every_parameter(bake_once, name):
    # A parameter line papermill cannot parse (e.g. '=' inside its comment) is silently not
    # overridable from the command line, so every line of the cell must come back as a parameter.
    from papermill.translators import PythonTranslator

    nb = nbformat.read(assert_baked(bake_once()) / "notebooks" / name, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = [p.name for p in PythonTranslator.inspect(cell)]
    assert names == ["run_dir", "config", "profile", "overrides"]


@pytest.mark.parametrize(("modality", "task"), [("tabular", None), ("sequence", None), ("tabular", "regression"),
                                               ("sequence", "regression"), ("image", "regression")])
def test_baked_project_passes_ruff_notebooks_included(bake_once, modality, task):
    # The project's .pre-commit-config.yaml runs ruff; a fresh project must already pass it.
    project = assert_baked(bake_once(modality=modality, **({"task": task} if task else {})))
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],  # notebooks included, as pre-commit does
        cwd=project, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_makefile_documents_its_targets(bake_once):
    project = assert_baked(bake_once())
    result = subprocess.run(["make", "help"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[1] for line in result.stdout.splitlines() if line.strip().startswith("make ")}
    assert {"setup", "run", "test", "lab", "clean", "lock"} <= listed


@pytest.mark.parametrize(
    ("modality", "kept", "removed", "task"),
    [("tabular", "data/external/breast_cancer_wisconsin.csv", "data/external/tf_binding_simulated.fa", None),
     ("sequence", "data/external/tf_binding_simulated.fa", "data/external/breast_cancer_wisconsin.csv", None),
     ("tabular", "data/external/diabetes.csv", "data/external/breast_cancer_wisconsin.csv", "regression"),
     ("sequence", "data/external/binding_affinity_simulated.fa", "data/external/tf_binding_simulated.fa",
      "regression")],
)
def test_each_modality_ships_its_own_example_data_listed_in_the_manifest(bake_once, modality, kept, removed, task):
    project = assert_baked(bake_once(modality=modality, **({"task": task} if task else {})))
    assert (project / kept).is_file() and not (project / removed).exists()
    manifest = yaml.safe_load((project / "data/manifest.yaml").read_text())
    assert [entry["path"] for entry in manifest["files"]] == [kept]
    config = yaml.safe_load((project / "lab.yaml").read_text())
    assert config["modality"] == modality and config["data"]["path"] == kept
    assert ("sequence" in config) == (modality == "sequence")
    sha = hashlib.sha256((project / kept).read_bytes()).hexdigest()
    assert manifest["files"][0]["sha256"] == sha


def test_sequence_lab_yaml_validates_and_describes_simulated_data(bake_once):
    project = assert_baked(bake_once(modality="sequence"))
    code = ("from my_lab_project_engine.settings.config import load_config; "
            "c = load_config('lab.yaml'); print(c.sequence.alphabet)")
    result = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True,
                            env={"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0 and result.stdout.strip() == "dna", result.stderr
    entry = yaml.safe_load((project / "data/manifest.yaml").read_text())["files"][0]
    assert entry["description"].startswith("SIMULATED") and entry["generator"]["version"] == "1.0"
    assert "simulated" in (project / "README.md").read_text().lower()


@pytest.mark.parametrize(("modality", "other"), [("tabular", "sequence"), ("sequence", "tabular")])
def test_notebooks_keep_only_the_cells_of_their_modality(bake_once, modality, other):
    project = assert_baked(bake_once(modality=modality))
    headings = []
    for path in sorted((project / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            assert not {modality, other} & set(cell.metadata.get("tags", [])), f"modality tag left in {path.name}"
            if cell.cell_type == "markdown" and cell.source.startswith("## "):
                headings.append(cell.source.splitlines()[0])
    motif = "## Where the network looks, and the motif it found"
    assert (motif in headings) == (modality == "sequence")
    assert ("## What is in the table" in headings) == (modality == "tabular")
    assert ("## What is in the sequences" in headings) == (modality == "sequence")
