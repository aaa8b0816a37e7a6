"""A newcomer's first hour: the bake is a git repository, the Makefiles guide, the demo is one environment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEMPLATE_DIR

GIT = shutil.which("git")
MAKE = shutil.which("make")


def bake(tmp_path, env_changes, *answers):
    """Bake with the cookiecutter command line under a changed environment; returns (completed, project)."""
    env = {**os.environ, **env_changes}
    env = {k: v for k, v in env.items() if v is not None}
    out = tmp_path / "out"
    completed = subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", "--output-dir", str(out), str(TEMPLATE_DIR), *answers],
        capture_output=True, text=True, timeout=120, env=env,
    )
    return completed, out / "my-lab-project"


def git(project, *args):
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_a_fresh_bake_is_a_git_repository_with_a_clean_first_commit(tmp_path):
    home = tmp_path / "home"  # no git identity configured anywhere
    home.mkdir()
    completed, project = bake(tmp_path, {"BIODL_NO_GIT": None, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
                                         "XDG_CONFIG_HOME": str(home)}, "author_name=Ada Lovelace")
    assert completed.returncode == 0, completed.stderr
    assert "Made a git repository with a first commit" in completed.stdout
    assert git(project, "log", "--format=%an").strip() == "Ada Lovelace"
    assert git(project, "status", "--porcelain") == ""
    assert "lab.yaml" in git(project, "ls-files")


def test_git_can_be_skipped_and_its_absence_is_said_once(tmp_path):
    completed, project = bake(tmp_path / "skip", {"BIODL_NO_GIT": "1"})
    assert completed.returncode == 0 and not (project / ".git").exists()
    assert completed.stdout.count("no git repository was made") == 1
    bin_without_git = tmp_path / "bin"
    bin_without_git.mkdir()
    (bin_without_git / "python").symlink_to(sys.executable)
    completed, project = bake(tmp_path / "nogit", {"BIODL_NO_GIT": None, "PATH": str(bin_without_git)})
    assert completed.returncode == 0, completed.stderr
    assert not (project / ".git").exists()
    assert completed.stdout.count("git is not installed") == 1


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_project_makefile_guides_a_newcomer(tmp_path):
    completed, project = bake(tmp_path, {"BIODL_NO_GIT": "1"})
    assert completed.returncode == 0, completed.stderr
    run = subprocess.run(["make", "run"], cwd=project, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "run `make setup` first" in run.stdout + run.stderr
    setup = subprocess.run(["make", "-n", "setup"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "ipykernel install --sys-prefix --name my-lab-project" in setup and "--user" not in setup
    (project / ".venv/bin").mkdir(parents=True)
    (project / ".venv/bin/my_lab_project").touch()
    lab = subprocess.run(["make", "-n", "lab"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "--notebook-dir=. " in lab


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
@pytest.mark.parametrize("modality", ["tabular", "sequence"])
def test_make_demo_uses_one_environment_and_a_folder_per_modality(modality):
    venv = Path(sys.executable).parents[1]
    if not (venv / ".installed").is_file():
        pytest.skip("the template's .venv is not built (make venv)")
    plan = subprocess.run(["make", "-n", "-o", f"{venv}/.installed", "demo", f"MODALITY={modality}", f"VENV={venv}"],
                          cwd=TEMPLATE_DIR,
                          capture_output=True, text=True, check=True).stdout
    assert f"rm -rf 'demo-{modality}'" in plan
    assert "-m venv" not in plan and "make -C" not in plan and "setup" not in plan.replace("make setup", "")
    assert f"'{venv}/bin/python' -m my_lab_project run" in plan


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_make_demo_bakes_a_regression_study_into_its_own_folder():
    venv = Path(sys.executable).parents[1]
    if not (venv / ".installed").is_file():
        pytest.skip("the template's .venv is not built (make venv)")
    plan = subprocess.run(["make", "-n", "-o", f"{venv}/.installed", "demo", "TASK=regression", f"VENV={venv}"],
                          cwd=TEMPLATE_DIR, capture_output=True, text=True, check=True).stdout
    assert "rm -rf 'demo-tabular-regression'" in plan and "task='regression'" in plan


DEBIAN_PYTHON = Path("/usr/bin/python3")


def readme_install_lines():
    """The shell lines of the README's 'Start your own study' block up to the bake."""
    text = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    block = text[text.index("## Start your own study"):]
    block = block[block.index("```bash") + len("```bash"):]
    lines = [line.split("#")[0].strip() for line in block[: block.index("```")].splitlines()]
    return [line for line in lines if line][:3]


def test_readme_does_not_tell_debian_users_to_pip_install_into_the_system():
    lines = readme_install_lines()
    assert lines[0].startswith("python3 -m venv ") and "pip install cookiecutter" in lines[1]
    assert not any(line.startswith("pip install") for line in lines)


@pytest.mark.slow
@pytest.mark.skipif(not DEBIAN_PYTHON.is_file(), reason="no system Python at /usr/bin/python3")
def test_readme_install_works_on_the_system_python(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "BIODL_NO_GIT": "1", "PATH": f"/usr/bin:{os.environ.get('PATH', '')}"}
    env.pop("VIRTUAL_ENV", None)
    first, second, third = readme_install_lines()
    bake = third.replace("path/to/cookiecutter-biodl", f"--no-input --output-dir {tmp_path} {TEMPLATE_DIR}")
    script = "\n".join(["set -e", first, second, bake])
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / "my-lab-project" / "lab.yaml").is_file()
