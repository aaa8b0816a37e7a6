"""End to end: bake a project, run its own tests and its whole quick pipeline on real kernels.

These are the slow tests (minutes); CI runs them. The runs use this venv's Python with the
baked module on PYTHONPATH, except `test_make_setup_installs_and_runs`, which follows the
generated README exactly: `make setup`, `make test`, `make run` in a fresh virtual environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import TEMPLATE_DIR
from cookiecutter.main import cookiecutter

pytestmark = pytest.mark.slow

TEMPLATE = TEMPLATE_DIR
MODULE = "my_lab_project"
NEW_FIGURES = {
    "01_pca", "05_learning_curves", "05_loss_curve", "05_shuffled_labels", "05_roc_pr", "05_calibration",
    "05_test_metrics",
}
NOTEBOOKS = [
    "00_question", "01_data_provenance", "02_baselines", "03_architecture",
    "04_tuning", "05_overfitting", "06_interpretation", "07_ethics_register",
]  # fmt: skip


def bake(out: Path, **answers) -> Path:
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out), extra_context=answers))


def env_for(project: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}


def module_cli(project: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", MODULE, *args], cwd=project, env=env_for(project),
        capture_output=True, text=True, timeout=timeout,
    )


def run_dirs(project: Path) -> list[Path]:
    return sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())


def outputs(run_dir: Path) -> dict[str, bytes]:
    """Every artifact and figure of a run, by relative path."""
    files = [*run_dir.glob("artifacts/*.json"), *run_dir.glob("figures/*.png")]
    return {str(f.relative_to(run_dir)): f.read_bytes() for f in sorted(files)}


@pytest.fixture(scope="module")
def project(quick_run) -> Path:
    return quick_run[0]  # baked and run once per session (conftest.py), shared with the browser tests


@pytest.fixture(scope="module")
def first_run(quick_run) -> Path:
    return quick_run[1]


def test_baked_project_tests_pass(project):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, env=env_for(project), capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_quick_pipeline_writes_every_notebook_artifact_and_manifest(project, first_run):
    manifest = json.loads((first_run / "run.json").read_text())
    assert manifest["status"] == "ok"
    assert manifest["profile"] == "quick"
    assert list(manifest["notebooks"]) == NOTEBOOKS
    assert all(entry["status"] == "ok" and entry["seconds"] > 0 for entry in manifest["notebooks"].values())
    assert manifest["inputs"]["data/external/breast_cancer_wisconsin.csv"] == (
        yaml.safe_load((project / "data/manifest.yaml").read_text())["files"][0]["sha256"]
    )
    assert manifest["packages"]["torch"].startswith("2.13.0")
    for name in NOTEBOOKS:
        executed = nbformat.read(first_run / "notebooks" / f"{name}.ipynb", 4)
        assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)
        assert not [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert (first_run / "artifacts" / f"{name}.json").is_file()
    assert len(list(first_run.glob("figures/*.png"))) >= 7
    assert {f.stem for f in first_run.glob("figures/*.png")} >= NEW_FIGURES
    audit = (first_run / "test_audit.jsonl").read_text().splitlines()
    assert len(audit) == 1 and json.loads(audit[0])["notebook"] == "05_overfitting"
    index = json.loads((first_run / "models/index.json").read_text())["models"]
    assert "network" in index and len(index) == 2
    assert all((first_run / entry["file"]).is_file() for entry in index.values())
    split = yaml.safe_load((project / "data/splits/breast_cancer_wisconsin.json").read_text())
    assert split["data_sha256"] == manifest["inputs"]["data/external/breast_cancer_wisconsin.csv"]


def test_artifacts_carry_the_checks(first_run):
    art = {name: json.loads((first_run / "artifacts" / f"{name}.json").read_text()) for name in NOTEBOOKS}
    assert art["00_question"]["assessment"]["samples_per_class"] == {"benign": 357, "malignant": 212}
    assert art["01_data_provenance"]["split_sizes"] == {"train": 341, "tune": 114, "test": 114}
    provenance = art["01_data_provenance"]
    assert provenance["leakage"] == {"groups": [], "duplicates": [], "near_duplicates": []}
    assert provenance["split_file"] == "data/splits/breast_cancer_wisconsin.json"
    assert provenance["datasheet"]["Distribution"]["licence"] == {"value": "CC BY 4.0", "by": "run"}
    assert all(w["check"] and w["message"] for w in provenance["warnings"])
    assert set(art["02_baselines"]["models"]) == {
        "prior", "logistic_regression", "random_forest", "k_nearest_neighbours", "naive_bayes", "svm"}
    assert art["02_baselines"]["models"]["prior"]["tune_roc_auc"] == 0.5
    assert art["02_baselines"]["models"]["logistic_regression"]["tune_roc_auc"] > 0.9
    assert art["03_architecture"]["checks"]["initial_loss_ok"] is True
    assert art["04_tuning"]["equal_budgets"] is True
    assert {r["n_trials"] for r in art["04_tuning"]["results"].values()} == {6}
    assert set(art["05_overfitting"]["gaps"]) == set(art["04_tuning"]["results"])
    overfit = art["05_overfitting"]
    assert overfit["test_openings"] == 1 and overfit["test_reopened"] is False
    assert overfit["ledger"]["distinct_settings"] == 1
    assert overfit["no_better_than_shuffled"] == []
    assert overfit["test"]["n"] == 114 and len(overfit["test"]["models"]) == 2
    for panel in overfit["test"]["models"].values():
        assert panel["metrics"]["roc_auc"]["low"] <= panel["metrics"]["roc_auc"]["value"] > 0.9
    assert overfit["test"]["paired"]["low"] <= overfit["test"]["paired"]["difference"]
    assert len(art["06_interpretation"]["importance"]) == 30
    assert art["07_ethics_register"]["blocking"]


def test_second_run_gives_identical_artifacts_and_figures(project, first_run):
    result = module_cli(project, "run")
    assert result.returncode == 0, result.stderr
    second = run_dirs(project)[-1]
    assert second != first_run
    assert outputs(second) == outputs(first_run)


def test_failing_notebook_stops_keeps_earlier_outputs_and_resumes(project, first_run):
    path = project / "notebooks/03_architecture.ipynb"
    original = path.read_bytes()
    nb = nbformat.read(path, 4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('weights exploded')"))
    nbformat.write(nb, path)
    try:
        failed = module_cli(project, "run")
    finally:
        path.write_bytes(original)
    run_dir = run_dirs(project)[-1]
    assert failed.returncode == 1
    message = failed.stderr.strip()
    assert message.count("\n") == 0, message
    assert "03_architecture.ipynb failed at cell" in message and "RuntimeError: weights exploded" in message
    assert f"reports/runs/{run_dir.name}/notebooks/03_architecture.ipynb" in message
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["notebooks"]["03_architecture"]["status"] == "failed"
    assert not (run_dir / "test_audit.jsonl").exists()
    before = {name: (run_dir / "notebooks" / f"{name}.ipynb").read_bytes() for name in NOTEBOOKS[:3]}

    resumed = module_cli(project, "run", "--from", "03")
    assert resumed.returncode == 0, resumed.stderr
    assert run_dirs(project)[-1] == run_dir
    assert {n: (run_dir / "notebooks" / f"{n}.ipynb").read_bytes() for n in NOTEBOOKS[:3]} == before
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "ok"
    assert len((run_dir / "test_audit.jsonl").read_text().splitlines()) == 1


def test_second_look_at_the_test_set_in_one_run_needs_a_recorded_reason(project, first_run):
    completed = run_dirs(project)[-1]
    kept = (completed / "run.json").read_bytes(), (completed / "notebooks/05_overfitting.ipynb").read_bytes()
    refused = module_cli(project, "run", "--only", "05")
    assert refused.returncode == 1
    error = refused.stderr.splitlines()[-1]  # after the note that the completed run is kept and copied
    assert "already opened 1 time(s)" in error and "test_set.reopen_reason" in error
    run_dir = run_dirs(project)[-1]
    assert run_dir != completed  # the completed run was rerun in a copy and is untouched
    assert ((completed / "run.json").read_bytes(), (completed / "notebooks/05_overfitting.ipynb").read_bytes()) == kept
    forced = module_cli(project, "run", "--only", "05", "-p", "test_set.reopen_reason=checking the gate")
    assert forced.returncode == 0, forced.stderr
    assert run_dirs(project)[-1] == run_dir  # the failed copy is resumed in place
    audit = [json.loads(line) for line in (run_dir / "test_audit.jsonl").read_text().splitlines()]
    assert [entry["forced"] for entry in audit] == [False, True]
    assert audit[1]["force_reason"] == "checking the gate"
    overfit = json.loads((run_dir / "artifacts/05_overfitting.json").read_text())
    assert overfit["test_openings"] == 2 and overfit["test_reopened"] is True
    ledger = [json.loads(line) for line in
              (project / "data/splits/breast_cancer_wisconsin.audit.jsonl").read_text().splitlines()]
    assert len(ledger) >= 4 and len({entry["settings"] for entry in ledger}) == 1  # a reason is not a new setting
    assert overfit["ledger"]["distinct_settings"] == 1


def test_user_csv_with_categorical_missing_values_and_three_classes(tmp_path):
    from sklearn.datasets import load_wine

    project = bake(tmp_path, project_name="Wine Cultivars")
    wine = load_wine(as_frame=True)
    frame = wine.frame.rename(columns={"target": "cultivar"})
    frame["cultivar"] = frame["cultivar"].map({0: "barolo", 1: "grignolino", 2: "barbera"})
    frame.insert(0, "bottle", [f"b{i:03d}" for i in range(len(frame))])
    frame["cellar"] = ["north", "south", "east"] * (len(frame) // 3) + ["north"] * (len(frame) % 3)
    frame["vineyard"] = [f"v{i // 3:02d}" for i in range(len(frame))]  # rows come sorted by cultivar
    frame.loc[frame.index % 7 == 0, "alcohol"] = None
    frame.loc[frame.index % 11 == 0, "cellar"] = None
    (project / "data/raw").mkdir(parents=True)
    frame.to_csv(project / "data/raw/wine.csv", index=False)
    module = "wine_cultivars"

    def cli(*args):
        return subprocess.run([sys.executable, "-m", module, *args], cwd=project, env=env_for(project),
                              capture_output=True, text=True, timeout=600)

    refused = cli("run", "-p", "data.path=data/raw/wine.csv")
    assert refused.returncode == 2 and "not listed in data/manifest.yaml" in refused.stderr
    assert cli("data", "add", "data/raw/wine.csv", "--source", "scikit-learn wine set").returncode == 0
    config = yaml.safe_load((project / "lab.yaml").read_text())
    config["data"].update(path="data/raw/wine.csv", target="cultivar", positive_class=None, id_column="bottle",
                          group_column="vineyard")
    (project / "lab.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    result = cli("run", "-p", "profiles.quick.n_trials=3", "-p", "profiles.quick.epochs=30")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_dir = run_dirs(project)[-1]
    question = json.loads((run_dir / "artifacts/00_question.json").read_text())
    assert question["assessment"]["n_classes"] == 3
    importance = json.loads((run_dir / "artifacts/06_interpretation.json").read_text())["importance"]
    assert "cellar" in {row["feature"] for row in importance}
    provenance = json.loads((run_dir / "artifacts/01_data_provenance.json").read_text())
    assert provenance["leakage"]["groups"] == []
    assert {"repeated_subjects", "confounding"} <= {w["check"] for w in provenance["warnings"]}
    assert provenance["repeated_subjects"]["n_groups"] == 60
    overfit = json.loads((run_dir / "artifacts/05_overfitting.json").read_text())
    assert overfit["test_openings"] == 1 and len((run_dir / "test_audit.jsonl").read_text().splitlines()) == 1
    for panel in overfit["test"]["models"].values():
        assert "brier" not in panel["metrics"] and panel["metrics"]["roc_auc"]["value"] > 0.8
    shares = overfit["test"]["class_prevalence"]  # three classes: every class's share, no binary-looking number
    assert overfit["test"]["prevalence"] is None and len(shares) == 3 and sum(shares.values()) == pytest.approx(1)
    assert {f.stem for f in run_dir.glob("figures/*.png")} >= NEW_FIGURES
    assert (project / "data/splits/wine.json").is_file()

    again = cli("run", "-p", "profiles.quick.n_trials=3", "-p", "profiles.quick.epochs=30", "--only", "00", "01")
    assert again.returncode == 0, again.stderr
    moved = cli("run", "-p", "split.tune=0.3")
    assert moved.returncode == 2 and "other settings" in moved.stderr and "split --new" in moved.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_setup_installs_and_runs(tmp_path):
    """The generated README's commands, verbatim: make setup, make test, make run."""
    project = bake(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter")  # keep the kernel registration out of ~
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(sys.prefix))
    for target in ("setup", "test", "run"):
        result = subprocess.run(["make", target], cwd=project, env=env, capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, f"make {target}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    # the kernel is registered inside the project's own .venv, named after it, not for the whole user
    assert (project / ".venv/share/jupyter/kernels/my-lab-project/kernel.json").is_file()
    assert not (tmp_path / "jupyter/kernels/my-lab-project").exists()
    manifest = json.loads((run_dirs(project)[-1] / "run.json").read_text())
    assert manifest["status"] == "ok" and manifest["python"].startswith(f"{sys.version_info[0]}.")
