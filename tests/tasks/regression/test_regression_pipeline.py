"""Regression studies end to end: bake task=regression (tabular and sequence) and run the quick pipeline.

Slow (minutes); CI runs them. The tabular run declares a subgroup and a metadata column of the
built-in diabetes study so notebooks 06 and 07 exercise the shortcut check and the subgroup
errors; it is run twice to show the artifacts and figures are byte-identical. The sequence run
checks that the motif planted in the simulated binding-affinity set is recovered, and that the
reports of both say regression with intervals and the conformal coverage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import TEMPLATE_DIR
from cookiecutter.main import cookiecutter

pytestmark = pytest.mark.slow

TEMPLATE = TEMPLATE_DIR
MODULE = "my_lab_project"
# The tabular runs search two trials per family (the numbers checked here do not depend on the
# budget); both runs of the byte-identity check use the same.
SMALL_BUDGET = ("-p", "profiles.quick.n_trials=2", "-p", "profiles.quick.epochs=30")


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", MODULE, *args], cwd=project, capture_output=True, text=True,
                          timeout=1200, env=env)


def latest_run(project: Path) -> Path:
    return sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]


def artifact(run_dir: Path, name: str) -> dict:
    return json.loads((run_dir / "artifacts" / f"{name}.json").read_text())


def outputs(run_dir: Path) -> dict[str, bytes]:
    files = [*run_dir.glob("artifacts/*.json"), *run_dir.glob("figures/*.png")]
    return {str(f.relative_to(run_dir)): f.read_bytes() for f in sorted(files)}


def bake_regression(out: Path, **answers) -> Path:
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out),
                             extra_context={"task": "regression", **answers}))


@pytest.fixture(scope="module")
def tabular_run(tmp_path_factory):
    project = bake_regression(tmp_path_factory.mktemp("regression_tabular"))
    config = yaml.safe_load((project / "lab.yaml").read_text())
    config["data"]["subgroup_columns"] = ["sex"]
    config["data"]["metadata_columns"] = ["sex"]
    (project / "lab.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = cli(project, "run", *SMALL_BUDGET)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project, latest_run(project)


@pytest.fixture(scope="module")
def sequence_run(tmp_path_factory):
    project = bake_regression(tmp_path_factory.mktemp("regression_sequence"), modality="sequence")
    result = cli(project, "run")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project, latest_run(project)


def _reports_speak_regression(run_dir: Path) -> None:
    index = (run_dir / "index.html").read_text()
    card = (run_dir / "MODEL_CARD.md").read_text()
    dome = (run_dir / "DOME.md").read_text()
    assert 'id="task">regression: each model predicts a number' in index
    assert 'id="conformal"' in index and "Split-conformal prediction intervals" in index
    for text in (card, dome):
        assert "R²" in text and "RMSE" in text and "Split-conformal prediction intervals" in text
        assert "probability per class" not in text and "per class:" not in text
    assert "regression" in (run_dir / "DATASHEET.md").read_text()
    assert "regression" in json.loads((run_dir / "dome-registry.json").read_text())["tags"]
    assert (run_dir / "REFORMS.md").is_file()


def test_tabular_regression_interprets_compares_subgroups_and_reports(tabular_run):
    project, run_dir = tabular_run
    test = artifact(run_dir, "05_overfitting")["test"]
    network = test["models"]["network"]["metrics"]
    assert {"r2", "rmse", "mae"} <= set(network)
    assert network["rmse"]["low"] <= network["rmse"]["value"] <= network["rmse"]["high"]
    interpretation = artifact(run_dir, "06_interpretation")
    assert interpretation["task"] == "regression"
    assert interpretation["surrogate"]["fidelity_measure"] == "r2"
    assert "predicted:" in interpretation["surrogate"]["rules"] and "class:" not in interpretation["surrogate"]["rules"]
    assert "r2_mean" in interpretation["shortcut"]["label_from_metadata"]
    assert {row["feature"] for row in interpretation["importance"]} >= {"bmi", "s5_log_triglycerides"}
    ethics = artifact(run_dir, "07_ethics_register")
    subgroups = ethics["subgroups"]
    assert subgroups["metric_for_gaps"] == "mae" and subgroups["threshold"] == 0.25
    assert {"n", "mean_target", "r2", "mae"} <= set(subgroups["table"][0])
    assert not any(c["check"] == "class-imbalance" for c in ethics["checks"])
    _reports_speak_regression(run_dir)


def test_second_tabular_regression_run_gives_identical_artifacts_and_figures(tabular_run):
    project, first = tabular_run
    result = cli(project, "run", *SMALL_BUDGET)
    assert result.returncode == 0, result.stderr[-3000:]
    second = latest_run(project)
    assert second != first
    mine, again = outputs(first), outputs(second)
    assert sorted(mine) == sorted(again)
    assert [name for name in mine if mine[name] != again[name]] == []


def test_sequence_regression_recovers_the_planted_motif_and_reports(sequence_run):
    project, run_dir = sequence_run
    motif = artifact(run_dir, "06_interpretation")["motif"]
    assert motif["planted"] and motif["match"]["pearson"] > 0.5
    assert "top quarter of the target" in motif["attributions_from"]
    _reports_speak_regression(run_dir)


def test_dome_completeness_of_regression_reaches_classification(tabular_run, quick_run):
    _, regression = tabular_run
    _, classification, _ = quick_run
    ours = json.loads((regression / "dome.json").read_text())["completeness"]
    theirs = json.loads((classification / "dome.json").read_text())["completeness"]
    assert ours["filled"] >= theirs["filled"], (ours, theirs)


def test_regression_project_tests_of_imports_and_network_size_pass(tabular_run):
    """The project's own checks that 00-02 load no PyTorch and that 00's weight count is the built network's."""
    project, _ = tabular_run
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "tests/runner/test_progress.py", "tests/models/test_network_plan.py"]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(project / "src")})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
