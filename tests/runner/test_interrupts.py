"""Ctrl-C on a running notebook, a second Ctrl-C, and a killed runner: marked in run.json, resumed with --from.

The project's notebooks are replaced by three tiny ones; the middle one waits while a flag file
exists, so the test knows a notebook is running when it sends the signal.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import TEMPLATE_DIR

pytestmark = pytest.mark.slow

TEMPLATE = TEMPLATE_DIR
MODULE = "my_lab_project"
WAIT = "import os, time\nwhile os.path.exists({flag!r}):\n    time.sleep(0.1)\nprint('done')"


def _notebook(path: Path, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('run_dir = "x"\nconfig = "../lab.yaml"\nprofile = "quick"\noverrides = {}')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def baked(tmp_path_factory):
    from cookiecutter.main import cookiecutter

    out = tmp_path_factory.mktemp("interrupts")
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out)))


@pytest.fixture
def project(baked, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(baked, project)
    for nb in (project / "notebooks").glob("*.ipynb"):
        nb.unlink()
    flag = tmp_path / "hold"
    flag.touch()
    _notebook(project / "notebooks/00_first.ipynb", "print('first')")
    _notebook(project / "notebooks/01_wait.ipynb", WAIT.format(flag=str(flag)))
    _notebook(project / "notebooks/02_last.ipynb", "print('last')")
    return project, flag


def _start(project: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.Popen([sys.executable, "-m", MODULE, "run", *args], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", MODULE, *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)


def _wait_running(project: Path, stem: str, timeout: float = 120) -> Path:
    """The run folder once its run.json says `stem` is running (and its cell has had time to start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for manifest in (project / "reports/runs").glob("*/run.json"):
            try:
                record = json.loads(manifest.read_text())["notebooks"].get(stem, {})
            except (ValueError, KeyError):
                continue
            if record.get("status") == "running":
                time.sleep(3)  # the kernel is in the waiting cell by now
                return manifest.parent
        time.sleep(0.2)
    raise AssertionError(f"{stem} never started")


def test_ctrl_c_stops_the_notebook_marks_the_run_interrupted_and_from_resumes(project):
    project, flag = project
    runner = _start(project)
    run_dir = _wait_running(project, "01_wait")
    sent = time.monotonic()
    runner.send_signal(signal.SIGINT)
    _, err = runner.communicate(timeout=60)
    stopped_after = time.monotonic() - sent
    assert runner.returncode == 130, err
    assert stopped_after < 10, stopped_after
    assert "interrupted in notebook 01" in err and "run --from 01" in err
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["notebooks"]["01_wait"]["status"] == "interrupted"
    assert manifest["notebooks"]["00_first"]["status"] == "ok"
    first = (run_dir / "notebooks/00_first.ipynb").read_bytes()

    flag.unlink()
    resumed = _cli(project, "run", "--from", "01")
    assert resumed.returncode == 0, resumed.stderr
    runs = sorted(p for p in (project / "reports/runs").iterdir())
    assert runs == [run_dir]  # an interrupted run is resumed in place
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "ok"
    assert (run_dir / "notebooks/00_first.ipynb").read_bytes() == first


def test_second_ctrl_c_always_stops_and_a_killed_run_is_seen_as_interrupted(project):
    project, flag = project
    for attempt in range(3):  # a second Ctrl-C must work every time
        runner = _start(project, "--run-dir", f"reports/runs/try{attempt}")
        run_dir = _wait_running(project, "01_wait")
        runner.send_signal(signal.SIGINT)
        runner.send_signal(signal.SIGINT)
        runner.communicate(timeout=30)
        assert runner.returncode == 130
        manifest = json.loads((run_dir / "run.json").read_text())
        assert manifest["status"] == "interrupted" and manifest["notebooks"]["01_wait"]["status"] == "interrupted"

    runner = _start(project, "--run-dir", "reports/runs/zz-killed")
    run_dir = _wait_running(project, "01_wait")
    os.killpg(runner.pid, signal.SIGKILL)  # the runner and its kernels, as when a machine goes down
    runner.communicate(timeout=30)
    assert json.loads((run_dir / "run.json").read_text())["status"] == "running"
    check = _cli(project, "check")
    assert check.returncode == 0, check.stderr
    expected = f"the run reports/runs/zz-killed was interrupted (its process {runner.pid} is gone) in notebook 01"
    assert expected in check.stderr
    assert "run --from 01" in check.stderr
    assert json.loads((run_dir / "run.json").read_text())["status"] == "interrupted"
    flag.unlink()
    resumed = _cli(project, "run", "--from", "01", "--run-dir", "reports/runs/zz-killed")
    assert resumed.returncode == 0, resumed.stderr
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "ok" and manifest["notebooks"]["01_wait"]["status"] == "ok"
