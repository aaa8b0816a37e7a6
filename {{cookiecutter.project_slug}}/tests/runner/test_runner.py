"""The runner against real kernels, on tiny notebooks so the tests stay fast."""

import json

import nbformat
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError, NotebookFailed
from {{ cookiecutter.module_name }}_engine.runner.execution import execute, latest_run_dir, plan_run, select_notebooks


def _notebook(path, body):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('run_dir = "x"\nconfig = "../lab.yaml"\nprofile = "quick"\noverrides = {}')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def tiny(project):
    for nb in (project / "notebooks").glob("*.ipynb"):
        nb.unlink()
    write = "import pathlib; pathlib.Path(run_dir, '{name}.txt').write_text(profile + str(overrides))"
    for name in ("00_first", "01_second", "02_third"):
        _notebook(project / "notebooks" / f"{name}.ipynb", write.format(name=name))
    return project


def test_select_notebooks(tiny):
    names = sorted((tiny / "notebooks").glob("*.ipynb"))
    assert [p.stem for p in select_notebooks(names, ["2"], None)] == ["02_third"]
    assert [p.stem for p in select_notebooks(names, None, "01")] == ["01_second", "02_third"]
    with pytest.raises(LabError, match="no notebook numbered '07'"):
        select_notebooks(names, ["07"], None)


def test_run_executes_in_order_with_parameters_and_manifest(tiny):
    lines = []
    manifest = execute(plan_run(tiny / "lab.yaml", {"seed": 3}), echo=lines.append)
    run_dir = latest_run_dir(tiny)
    assert (run_dir / "00_first.txt").read_text() == "quick{'seed': 3}"
    assert manifest["status"] == "ok"
    assert [manifest["notebooks"][k]["status"] for k in ("00_first", "01_second", "02_third")] == ["ok"] * 3
    assert manifest["inputs"]["data/external/breast_cancer_wisconsin.csv"] == manifest["inputs"][
        "data/external/breast_cancer_wisconsin.csv"] and len(manifest["inputs"]) == 5
    assert manifest["parameters"]["seed"] == 3 and manifest["packages"]["papermill"]
    assert any("[3/3] 02_third" in line and " ok " in line for line in lines)
    assert json.loads((run_dir / "run.json").read_text())["status"] == "ok"


def test_failure_names_notebook_cell_error_and_keeps_earlier_outputs(tiny):
    execute(plan_run(tiny / "lab.yaml"), echo=lambda _: None)
    completed = latest_run_dir(tiny)
    good = {path.name: path.read_bytes() for path in sorted(completed.rglob("*")) if path.is_file()}
    first = (completed / "notebooks/00_first.ipynb").read_bytes()
    _notebook(tiny / "notebooks/01_second.ipynb", "raise ValueError('boom')")
    with pytest.raises(NotebookFailed) as error:
        execute(plan_run(tiny / "lab.yaml", start="01"), echo=lambda _: None)
    message = str(error.value)
    run_dir = latest_run_dir(tiny)
    assert run_dir != completed  # a completed run is never rerun in place
    assert {path.name: path.read_bytes() for path in sorted(completed.rglob("*")) if path.is_file()} == good
    assert "01_second.ipynb" in message and "cell [3]" in message and "ValueError: boom" in message
    assert f"{run_dir.name}/notebooks/01_second.ipynb" in message and "--from 01" in message
    assert (run_dir / "notebooks/00_first.ipynb").read_bytes() == first
    saved = nbformat.read(run_dir / "notebooks/01_second.ipynb", 4)
    assert any(cell.outputs and cell.outputs[0].get("ename") == "ValueError" for cell in saved.cells
               if cell.cell_type == "code")
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["notebooks"]["01_second"]["status"] == "failed"
    assert manifest["notebooks"]["00_first"]["status"] == "ok"
    assert manifest["derived_from"] == completed.name
    assert not list((run_dir / "notebooks").glob(".*partial*"))
    _notebook(tiny / "notebooks/01_second.ipynb", "print('fixed')")
    execute(plan_run(tiny / "lab.yaml", start="01"), echo=lambda _: None)  # a failed run resumes in place
    assert latest_run_dir(tiny) == run_dir
    assert json.loads((run_dir / "run.json").read_text())["status"] == "ok"


def test_bad_config_stops_before_any_run_folder(tiny):
    with pytest.raises(LabError):
        plan_run(tiny / "lab.yaml", {"data.target": "nope"})
    assert latest_run_dir(tiny) is None


def test_git_state_records_commit_and_uncommitted_changes(tmp_path):
    import subprocess

    from {{ cookiecutter.module_name }}_engine.runner.execution import git_state

    assert git_state(tmp_path) is None
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "a.txt").write_text("a")
    subprocess.run([*git, "add", "a.txt"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "a"], cwd=tmp_path, check=True)
    state = git_state(tmp_path)
    assert len(state["commit"]) == 40 and state["dirty"] is False
    (tmp_path / "a.txt").write_text("b")
    assert git_state(tmp_path)["dirty"] is True


def test_resume_with_other_settings_is_refused(tiny):
    execute(plan_run(tiny / "lab.yaml"), echo=lambda _: None)
    with pytest.raises(LabError, match=r"other settings \(seed differ"):
        plan_run(tiny / "lab.yaml", {"seed": 7}, start="01")
    assert plan_run(tiny / "lab.yaml", start="01").resumed


def test_bad_config_with_run_dir_creates_nothing(tiny):
    target = tiny / "elsewhere"
    with pytest.raises(LabError):
        plan_run(tiny / "lab.yaml", {"seed": -1}, run_dir=target)
    assert not target.exists()


def test_run_refuses_split_settings_other_than_the_recorded_ones(tiny):
    from {{ cookiecutter.module_name }}_engine.data.loading import load_dataset
    from {{ cookiecutter.module_name }}_engine.data.provenance import sha256_file
    from {{ cookiecutter.module_name }}_engine.settings.config import load_config
    from {{ cookiecutter.module_name }}_engine.splits.split import new_split

    cfg = load_config(tiny / "lab.yaml")
    new_split(cfg, tiny, load_dataset(cfg, tiny), sha256_file(tiny / cfg.data.path))
    with pytest.raises(LabError, match=r"other settings.*seed 42 → 3.*split --new"):
        plan_run(tiny / "lab.yaml", {"split.seed": 3})
    assert not (tiny / "reports/runs").exists()
    plan_run(tiny / "lab.yaml", {"seed": 3})  # the models' seed may change; the split stays
