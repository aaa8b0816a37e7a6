"""Keeping up with the template: notebook refresh rules and the 'behind the template' check."""

import json
import os
import subprocess

import pytest

from {{ cookiecutter.module_name }}_engine.cli.commands import main
from {{ cookiecutter.module_name }}_engine.cli.template_sync import (
    SYNC_STATE,
    TEMPLATE_NOTEBOOKS,
    notebook_states,
    sync_notebooks,
    template_status,
)
from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.common.files import sha256_bytes


def notebook(text: str) -> bytes:
    cells = [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": [text]}]
    return (json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}) + "\n").encode()


@pytest.fixture
def baked(tmp_path):
    """A project as baked: working notebooks equal to the template's copies, recorded as taken."""
    (tmp_path / TEMPLATE_NOTEBOOKS).mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    taken = {}
    for name in ("00_a.ipynb", "01_b.ipynb"):
        data = notebook(f"{name} as baked")
        (tmp_path / TEMPLATE_NOTEBOOKS / name).write_bytes(data)
        (tmp_path / "notebooks" / name).write_bytes(data)
        taken[name] = sha256_bytes(data)
    (tmp_path / SYNC_STATE).write_text(json.dumps({"taken_from_template": taken}))
    return tmp_path


def states(root):
    return {s.name: s.status for s in notebook_states(root)}


def test_unedited_notebooks_take_the_template_change_and_edited_ones_are_kept_with_a_diff(baked):
    (baked / "notebooks/01_b.ipynb").write_bytes(notebook("my own analysis"))
    for name in ("00_a.ipynb", "01_b.ipynb"):  # what `cruft update` does to the template's copies
        (baked / TEMPLATE_NOTEBOOKS / name).write_bytes(notebook(f"{name} reworded upstream"))
    assert states(baked) == {"00_a.ipynb": "refresh", "01_b.ipynb": "conflict"}
    done = sync_notebooks(baked)
    assert done["refreshed"] == ["00_a.ipynb"] and done["kept"] == ["01_b.ipynb"]
    assert b"reworded upstream" in (baked / "notebooks/00_a.ipynb").read_bytes()
    assert (baked / "notebooks/01_b.ipynb").read_bytes() == notebook("my own analysis")
    diff = (baked / "reports/template-updates/01_b.diff").read_text()
    assert "-my own analysis" in diff and "+01_b.ipynb reworded upstream" in diff
    assert states(baked) == {"00_a.ipynb": "current", "01_b.ipynb": "conflict"}  # still waiting for a decision


def test_keep_marks_an_edited_notebook_as_seen_and_take_replaces_it_saving_yours(baked):
    (baked / "notebooks/00_a.ipynb").write_bytes(notebook("mine 0"))
    (baked / "notebooks/01_b.ipynb").write_bytes(notebook("mine 1"))
    for name in ("00_a.ipynb", "01_b.ipynb"):
        (baked / TEMPLATE_NOTEBOOKS / name).write_bytes(notebook("upstream"))
    done = sync_notebooks(baked, take=("00",), keep=("01",))
    assert done["taken"] == ["00_a.ipynb"] and done["reconciled"] == ["01_b.ipynb"]
    assert (baked / "notebooks/00_a.ipynb").read_bytes() == notebook("upstream")
    assert (baked / "reports/template-updates/00_a.yours.ipynb").read_bytes() == notebook("mine 0")
    assert (baked / "notebooks/01_b.ipynb").read_bytes() == notebook("mine 1")
    assert states(baked) == {"00_a.ipynb": "current", "01_b.ipynb": "edited"}
    with pytest.raises(LabError, match="no template notebook '09'"):
        sync_notebooks(baked, take=("09",))


def test_an_edit_without_a_template_change_is_left_alone(baked):
    (baked / "notebooks/00_a.ipynb").write_bytes(notebook("mine"))
    assert states(baked)["00_a.ipynb"] == "edited"
    assert sync_notebooks(baked) == {"refreshed": [], "kept": [], "taken": [], "reconciled": []}
    assert (baked / "notebooks/00_a.ipynb").read_bytes() == notebook("mine")


def git(repo, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def test_template_status_compares_with_a_local_template_and_never_fetches(tmp_path):
    assert template_status(tmp_path) is None  # no cruft metadata: nothing to say
    template = tmp_path / "template"
    template.mkdir()
    git(template, "init", "-q")
    (template / "a.txt").write_text("one")
    git(template, "add", "-A")
    git(template, "commit", "-q", "-m", "one")
    first = git(template, "rev-parse", "HEAD")
    cruft = tmp_path / ".cruft.json"
    cruft.write_text(json.dumps({"template": str(template), "commit": first, "checkout": None}))
    assert template_status(tmp_path).startswith("template: up to date")
    (template / "a.txt").write_text("two")
    git(template, "commit", "-q", "-am", "two")
    assert "behind" in template_status(tmp_path) and "by 1 commit(s)" in template_status(tmp_path)
    cruft.write_text(json.dumps({"template": "https://github.com/example/template.git", "commit": first}))
    assert "could not check" in template_status(tmp_path)
    cruft.write_text(json.dumps({"template": str(template), "commit": "0" * 40}))
    assert "could not check" in template_status(tmp_path)


def test_check_reports_the_template_and_sync_notebooks_command_runs(project, capsys):
    (project / ".cruft.json").write_text(json.dumps({"template": "gh:example/template", "commit": "abc"}))
    assert main(["--config", str(project / "lab.yaml"), "check"]) == 0
    assert "template: could not check" in capsys.readouterr().out
    (project / TEMPLATE_NOTEBOOKS).mkdir(parents=True)
    (project / TEMPLATE_NOTEBOOKS / "00_question.ipynb").write_bytes(notebook("upstream"))
    assert main(["--config", str(project / "lab.yaml"), "sync-notebooks"]) == 0
    assert "refreshed from the template" in capsys.readouterr().out
