"""A project baked from the flat-layout template updates to the engine layout, and its old run still serves.

Until commit a093721 a baked project kept all its code in one flat module, src/<module>/ (108
files). The template at that commit is exported into a temporary git repository, baked with
`cruft create` and run once (quick profile). The repository then takes today's template as its next
commit, and the project takes it with `BIODL_NO_GIT=1 cruft update -y` and `sync-notebooks`, as
the README tells a user to (the `env` fixture sets BIODL_NO_GIT=1; conftest.py says why).
Afterwards the flat files are gone and the study module and the engine are in place; `check` passes
on the recorded split; `report --run` rebuilds the old run's report from its run.json and
artifacts; the old run's saved models (pickles naming `<module>.nets` …) load and predict exactly
as models refitted now with the run's recorded parameters do; its Optuna studies open and agree
with its tuning artifact; and a new run reuses the recorded split.
"""

import io
import json
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import tomllib
from conftest import DEFAULT_MODULE, DEFAULT_SLUG, TEMPLATE_DIR, TEMPLATE_PROJECT_DIR
from test_template_update import COPY_IGNORE, CRUFT, commit_all, sh

FLAT_COMMIT = "a093721"  # the template's last commit with the flat layout
ENGINE = f"{DEFAULT_MODULE}_engine"
RUN_TIMEOUT = 900
REPORT_FILES = ("index.html", "MODEL_CARD.md", "DOME.md", "REFORMS.md", "dome-registry.json")

# Run in the updated project on the old run folder: its models through load_model (as notebooks 06-07
# and release read them), each compared with a refit by today's code with the run's tuned parameters
# on its recorded split; and its Optuna studies read back through the engine.
OLD_RUN_SCRIPT = f"""
import sys
from pathlib import Path

import joblib
import numpy as np

from {ENGINE}.common.files import write_json
from {ENGINE}.common.lazy_imports import optuna
from {ENGINE}.ethics.release import saved_models, tuned_models
from {ENGINE}.runner.runs import Run
from {ENGINE}.tuning.results import study_result
from {ENGINE}.tuning.studies import local_storage_url, open_storage, study_name_for

old, out = Path(sys.argv[1]), Path(sys.argv[2])
run = Run.open(old, "lab.yaml")
families = sorted(saved_models(old))
plain = {{}}
for family in families:
    try:
        joblib.load(old / "models" / f"{{family}}.joblib")
        plain[family] = "loads"
    except ModuleNotFoundError as error:
        plain[family] = str(error)
loaded = tuned_models(run, families)
tuning = run.load_artifact("04_tuning")["results"]
X_train, y_train = run.part("train")
X_tune, y_tune = run.part("tune")
difference, accuracy = {{}}, {{}}
for family, model in loaded.items():
    refit = run.task.build_model(family, X_train, tuning[family]["best_params"], seed=run.seed,
                                 device=run.cfg.device).fit(X_train, y_train)
    difference[family] = float(np.abs(model.predict_proba(X_tune) - refit.predict_proba(X_tune)).max())
    accuracy[family] = float((model.predict(X_tune) == y_tune).mean())
storage = open_storage(local_storage_url(old))
studies = {{}}
for family, recorded in tuning.items():
    study = optuna.load_study(study_name=study_name_for(family), storage=storage)
    found = study_result(family, study, recorded["n_trials"])
    studies[family] = {{key: found[key] for key in ("best_params", "best_score", "n_trials")}}
write_json(out, {{"families": families, "plain_joblib": plain, "difference": difference, "accuracy": accuracy,
                 "studies": studies, "model_types": {{f: type(m[-1]).__module__ for f, m in loaded.items()}}}})
"""


def run_module(project, env, *args, ok=True):
    return sh([sys.executable, "-m", DEFAULT_MODULE, *args], project, {**env, "PYTHONPATH": str(project / "src")},
              ok, timeout=RUN_TIMEOUT)


def flat_template(tmp_path, env):
    """The template as it was at FLAT_COMMIT, as the first commit of a fresh git repository."""
    archive = subprocess.run(["git", "archive", "--format=tar", FLAT_COMMIT], cwd=TEMPLATE_DIR, env=env,
                             capture_output=True, timeout=120)
    if archive.returncode != 0:
        pytest.skip(f"needs the template's git history down to commit {FLAT_COMMIT} (a shallow clone lacks it)")
    template = tmp_path / "template"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(template, filter="data")
    sh(["git", "init", "-q", "-b", "main"], template, env)
    commit_all(template, f"template at {FLAT_COMMIT}, the flat layout", env)
    return template


def take_current_template(template, env):
    """Replace the repository's files with today's template and commit them, as the template's next commit."""
    for path in template.iterdir():
        if path.is_dir() and path.name != ".git":
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()
    shutil.copytree(TEMPLATE_DIR, template, ignore=COPY_IGNORE, dirs_exist_ok=True)
    commit_all(template, "today's template: the engine layout", env)


def verdict_numbers(stdout):
    """The numbers of the verdict a run or report prints last: scores, intervals, p-values, sample counts."""
    return re.findall(r"-?\d+\.\d+|\d+", stdout.split("\nverdict:\n", 1)[1])


def python_files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def only_run(project, besides=()):
    runs = [p for p in (project / "reports/runs").iterdir() if p.is_dir() and p not in besides]
    assert len(runs) == 1, runs
    return runs[0]


@pytest.mark.slow
def test_a_project_baked_from_the_flat_layout_updates_and_its_old_run_still_serves(tmp_path, env):
    template = flat_template(tmp_path, env)
    sh([CRUFT, "create", str(template), "--no-input", "--output-dir", str(tmp_path / "out")], tmp_path, env)
    project = tmp_path / "out" / DEFAULT_SLUG
    study, engine = project / "src" / DEFAULT_MODULE, project / "src" / ENGINE
    assert (study / "nets.py").is_file() and not engine.exists()  # the flat layout it was baked with
    sh(["git", "init", "-q", "-b", "main"], project, env)
    commit_all(project, "baked from the flat layout", env)
    first = run_module(project, env, "run").stdout
    old_run = only_run(project)
    commit_all(project, "first run: the recorded split and its ledger", env)
    split_file = project / json.loads((old_run / "artifacts/split.json").read_text())["file"]
    recorded_split = split_file.read_bytes()
    assert f"{DEFAULT_MODULE}.nets".encode() in (old_run / "models/network.joblib").read_bytes()

    take_current_template(template, env)
    sh([CRUFT, "update", "-y"], project, env)
    synced = run_module(project, env, "sync-notebooks").stdout
    assert "refreshed from the template" in synced

    # the layout: the flat files gone, the study module and the engine exactly as today's template ships them
    shipped = TEMPLATE_PROJECT_DIR / "src"
    assert python_files(study) == python_files(shipped / "{{cookiecutter.module_name}}")
    assert not [p for p in study.iterdir() if p.is_dir() and p.name != "__pycache__"]  # templates/, schemas/ moved
    assert python_files(engine) == python_files(shipped / "{{cookiecutter.module_name}}_engine")
    assert not list(project.rglob("*.rej"))  # cruft applied every hunk
    skip = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["cruft"]["skip"]
    assert f"src/{DEFAULT_MODULE}" in skip  # from now on template updates leave the study module alone
    for notebook in sorted((project / "notebooks").glob("*.ipynb")):
        assert notebook.read_bytes() == (project / ".template/notebooks" / notebook.name).read_bytes()
        assert f"from {ENGINE} import" in notebook.read_text(encoding="utf-8"), notebook.name
    commit_all(project, "template update: the engine layout", env)

    checked = run_module(project, env, "check").stdout
    assert "matches data/manifest.yaml" in checked and "template: up to date" in checked
    assert split_file.read_bytes() == recorded_split

    # the old run's report, rebuilt from its run.json and artifacts by today's code
    for name in REPORT_FILES:
        (old_run / name).unlink()
    rebuilt = run_module(project, env, "report", "--run", str(old_run)).stdout
    assert all((old_run / name).is_file() for name in REPORT_FILES)
    assert verdict_numbers(rebuilt) == verdict_numbers(first)

    # release reads the register first; this one has an entry still open, and says so in one sentence
    refused = run_module(project, env, "release", "--run", str(old_run), ok=False)
    assert refused.returncode != 0 and "ethics/register.yaml" in refused.stderr
    assert "Traceback" not in refused.stderr

    # the old run's saved models and Optuna studies
    outcome_file = tmp_path / "old_run.json"
    sh([sys.executable, "-c", OLD_RUN_SCRIPT, str(old_run), str(outcome_file)], project,
       {**env, "PYTHONPATH": str(project / "src")}, timeout=RUN_TIMEOUT)
    outcome = json.loads(outcome_file.read_text())
    assert "network" in outcome["families"]
    assert f"No module named '{DEFAULT_MODULE}." in outcome["plain_joblib"]["network"]  # joblib.load alone fails
    assert outcome["model_types"]["network"] == f"{ENGINE}.models.nets"
    assert outcome["difference"] == {family: 0.0 for family in outcome["families"]}
    assert all(score > 0.8 for score in outcome["accuracy"].values()), outcome["accuracy"]
    tuning = json.loads((old_run / "artifacts/04_tuning.json").read_text())["results"]
    assert outcome["studies"] == {family: {key: found[key] for key in ("best_params", "best_score", "n_trials")}
                                  for family, found in tuning.items()}

    # a new run on the updated project reuses the split the old code recorded
    run_module(project, env, "run")
    new_run = only_run(project, besides=(old_run,))
    notebook_01 = (new_run / "notebooks/01_data_provenance.ipynb").read_text(encoding="utf-8")
    assert f"reusing the recorded split {split_file.relative_to(project).as_posix()}" in notebook_01
    new_split = json.loads((new_run / "artifacts/split.json").read_text())
    assert new_split["parts"] == json.loads((old_run / "artifacts/split.json").read_text())["parts"]
    assert split_file.read_bytes() == recorded_split
    saved_now = (new_run / "models/network.joblib").read_bytes()
    assert f"{ENGINE}.models.nets".encode() in saved_now and f"{DEFAULT_MODULE}.nets".encode() not in saved_now
