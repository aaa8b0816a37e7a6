"""A project baked with cruft takes a later template change and keeps every byte of the study.

The template is copied into a temporary git repository, baked at one commit with `cruft create`,
changed on both sides (the study edits lab.yaml, adds data, a register entry and edits a notebook;
the template fixes an engine file, rewrites the engine's manifest and rewords two notebooks), then
`cruft update -y` and `sync-notebooks` bring the template's change in. `cruft check` and `check` agree
it is up to date, and `check` finds every engine file as the template shipped it.
"""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from conftest import DEFAULT_MODULE, DEFAULT_SLUG, TEMPLATE_DIR

CRUFT = str(Path(sys.executable).with_name("cruft"))
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "demo", "build")
TEMPLATE_PROJECT = "{{cookiecutter.project_slug}}"
MODULE_FILE = f"src/{DEFAULT_MODULE}_engine/common/files.py"
FIX = "# fixed in the template after the bake: marker 7f3c\n"
STUDY_FILES = ("lab.yaml", "data/external/extra_samples.csv", "ethics/register.yaml", "notebooks/02_baselines.ipynb")


def sh(command, cwd, env, ok=True, timeout=120):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if ok:
        assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result


def commit_all(repo, message, env):
    sh(["git", "add", "-A"], repo, env)
    sh(["git", "commit", "-q", "-m", message], repo, env)


def reword(notebook: Path, old: str, new: str) -> None:
    text = notebook.read_text(encoding="utf-8")
    assert old in text
    notebook.write_text(text.replace(old, new, 1), encoding="utf-8")


def module(project, env, *args, ok=True):
    return sh([sys.executable, "-m", DEFAULT_MODULE, *args], project, {**env, "PYTHONPATH": str(project / "src")}, ok)


@pytest.mark.parametrize("modality", ["tabular", "sequence"])
def test_bake_keeps_the_template_notebooks_and_lists_what_updates_skip(bake_once, modality):
    result = bake_once(modality=modality)
    assert result.exit_code == 0, result.exception
    project = result.project_path
    taken = json.loads((project / "notebooks/.template-sync.json").read_text())["taken_from_template"]
    notebooks = sorted(p.name for p in (project / "notebooks").glob("*.ipynb"))
    assert sorted(taken) == notebooks == sorted(p.name for p in (project / ".template/notebooks").glob("*.ipynb"))
    for name in notebooks:  # copied after the modality's cells were kept
        data = (project / "notebooks" / name).read_bytes()
        assert (project / ".template/notebooks" / name).read_bytes() == data
        assert taken[name] == hashlib.sha256(data).hexdigest()
    skip = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["cruft"]["skip"]
    listed = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())["_exclude_on_template_update"]
    assert skip == [*listed, "src/my_lab_project"]  # the study's own module is the study's, like its data
    assert {"lab.yaml", "data", "ethics/register.yaml", "reports", "notebooks/*.ipynb"} <= set(skip)


@pytest.fixture
def template(tmp_path, env):
    """The template copied into a fresh git repository with one commit."""
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR, template, ignore=COPY_IGNORE)
    sh(["git", "init", "-q", "-b", "main"], template, env)
    commit_all(template, "template at bake time", env)
    return template


@pytest.mark.slow
def test_a_project_baked_with_cookiecutter_is_linked_with_cruft_link(tmp_path, env, template):
    out = tmp_path / "plain"
    sh([sys.executable, "-m", "cookiecutter", "--no-input", "--output-dir", str(out), str(template)], tmp_path, env)
    project = out / DEFAULT_SLUG
    assert not (project / ".cruft.json").exists()
    sh([CRUFT, "link", str(template), "--no-input"], project, env)
    head = sh(["git", "rev-parse", "HEAD"], template, env).stdout.strip()
    assert json.loads((project / ".cruft.json").read_text())["commit"] == head
    assert "template: up to date" in module(project, env, "check").stdout


@pytest.mark.slow
def test_cruft_update_brings_template_change_and_keeps_study(tmp_path, env, template):
    sh([CRUFT, "create", str(template), "--no-input", "--output-dir", str(tmp_path / "out")], tmp_path, env)
    project = tmp_path / "out" / DEFAULT_SLUG
    assert json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"]["_exclude_on_template_update"]
    sh(["git", "init", "-q", "-b", "main"], project, env)
    commit_all(project, "baked", env)

    # the study's side
    with (project / "lab.yaml").open("a", encoding="utf-8") as f:
        f.write("# our own note on the study\n")
    (project / "data/external/extra_samples.csv").write_text("id,value\ns1,0.5\n", encoding="utf-8")
    with (project / "ethics/register.yaml").open("a", encoding="utf-8") as f:
        f.write('  - id: "E900"\n    title: Our own concern\n    category: bias\n    status: open\n'
                '    owner: Us\n    opened: 2026-01-01\n    resolved: null\n    resolution: null\n'
                '    blocks_release: false\n')
    reword(project / "notebooks/02_baselines.ipynb", "# 02", "# 02 (our edit)")
    commit_all(project, "study work", env)
    before = {name: (project / name).read_bytes() for name in STUDY_FILES}

    # the template's side: an engine fix (and its manifest), two notebooks reworded, and changes to study-owned files
    inner = template / TEMPLATE_PROJECT
    engine_file = inner / "src/{{cookiecutter.module_name}}_engine/common/files.py"
    assert engine_file.is_file()  # a fix to a file the engine has, not a new one
    with engine_file.open("a", encoding="utf-8") as f:
        f.write(FIX)
    for name in ("00_question.ipynb", "02_baselines.ipynb"):
        reword(inner / "notebooks" / name, "Lee et al. (2022)", "Lee et al. (2022, revised wording)")
    with (inner / "lab.yaml").open("a", encoding="utf-8") as f:
        f.write("# a template change that must not reach the study\n")
    with (inner / "ethics/register.yaml").open("a", encoding="utf-8") as f:
        f.write("# a template change that must not reach the study\n")
    stale = sh([sys.executable, "tools/engine_manifest.py", "--check"], template, env, ok=False)
    assert stale.returncode == 1 and "common/files.py" in stale.stdout  # the fix alone leaves the manifest behind
    sh([sys.executable, "tools/engine_manifest.py"], template, env)  # `make manifest`, as a maintainer would
    commit_all(template, "fix and reword", env)
    head = sh(["git", "rev-parse", "HEAD"], template, env).stdout.strip()

    assert "behind" in module(project, env, "check").stdout
    assert sh([CRUFT, "check"], project, env, ok=False).returncode != 0

    sh([CRUFT, "update", "-y"], project, env)
    assert (project / MODULE_FILE).read_text(encoding="utf-8").endswith(FIX)
    assert "revised wording" in (project / ".template/notebooks/00_question.ipynb").read_text(encoding="utf-8")
    assert json.loads((project / ".cruft.json").read_text())["commit"] == head

    synced = module(project, env, "sync-notebooks").stdout
    assert "00_question.ipynb" in synced and "02_baselines.ipynb" in synced
    assert "revised wording" in (project / "notebooks/00_question.ipynb").read_text(encoding="utf-8")
    diff = (project / "reports/template-updates/02_baselines.diff").read_text(encoding="utf-8")
    assert "+" in diff and "revised wording" in diff and "(our edit)" in diff

    assert {name: (project / name).read_bytes() for name in STUDY_FILES} == before
    commit_all(project, "template update", env)
    assert "up to date" in sh([CRUFT, "check"], project, env).stdout
    checked = module(project, env, "check").stdout
    assert "template: up to date" in checked and "02_baselines.ipynb" in checked  # still waiting for a decision
    assert f"engine: {DEFAULT_MODULE}_engine 1.0.0, " in checked  # the fix came with its manifest entry
    assert " files as the template shipped them" in checked

    module(project, env, "sync-notebooks", "--keep", "02")
    assert "notebooks:" not in module(project, env, "check").stdout
    assert (project / "notebooks/02_baselines.ipynb").read_bytes() == before["notebooks/02_baselines.ipynb"]
