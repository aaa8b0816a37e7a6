"""The quick run records, notebook by notebook, which rows and which method each scaled check used."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow


def _artifact(run_dir, name):
    return json.loads((run_dir / "artifacts" / f"{name}.json").read_text())


def test_every_scaled_check_records_its_rows_and_method_at_the_demo_size(quick_run):
    _, run_dir, _ = quick_run
    every_row = {"subsampled": False}
    assert _artifact(run_dir, "01_data_provenance")["near_duplicates"]["method"] == "all pairs"
    baselines = _artifact(run_dir, "02_baselines")
    assert baselines["training_scores_on"] == {**every_row, "purpose": "training scores", "rows": 341, "of": 341}
    assert baselines["svm_method"] == "exact RBF SVM"
    optimizers = _artifact(run_dir, "03_architecture")["optimizers"]
    assert all(r["early_stopping"] and r["stopped_epoch"] <= 60 for r in optimizers.values())
    compared = _artifact(run_dir, "03_architecture")["optimizer_rows"]
    assert compared == {**every_row, "purpose": "the optimiser comparison", "rows": 341, "of": 341}
    assert _artifact(run_dir, "04_tuning")["training_rows_per_trial"]["rows"] == 341
    rows = _artifact(run_dir, "05_overfitting")["rows"]
    assert {part: r["subsampled"] for part, r in rows.items()} == dict.fromkeys(rows, False)
    assert rows["learning_curves"]["refits"] == 4
    assert _artifact(run_dir, "06_interpretation")["tune_rows"]["of"] == 114


def test_above_their_sizes_the_switches_engage_in_the_notebooks_and_are_recorded(tmp_path):
    """The built-in data run with every size in scale.py lowered below it: each switch takes its scalable path."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    from conftest import DEFAULT_MODULE, TEMPLATE_DIR, project_env
    from cookiecutter.main import cookiecutter

    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(tmp_path)))
    scale = project / "src" / DEFAULT_MODULE / "scale.py"
    lowered = {"EXACT_NEIGHBOURS_UP_TO": 200, "SCORING_ROWS": 100, "REFIT_ROWS": 150, "TUNING_ROWS": 250,
               "KERNEL_SVM_UP_TO": 150}
    text = scale.read_text()
    for name, value in lowered.items():
        text, count = re.subn(rf"^{name} = \d+$", f"{name} = {value}", text, flags=re.M)
        assert count == 1, name
    scale.write_text(text)
    result = subprocess.run(
        [sys.executable, "-m", DEFAULT_MODULE, "run", "--only", "00", "01", "02", "03", "04", "05", "06",
         "-p", "profiles.quick.n_trials=2", "-p", "profiles.quick.epochs=10"],
        cwd=project, env=project_env(project), capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run_dir = sorted(p for p in (project / "reports/runs").iterdir() if p.is_dir())[-1]
    assert _artifact(run_dir, "01_data_provenance")["near_duplicates"]["method"] == "KD-tree"
    baselines = _artifact(run_dir, "02_baselines")
    assert baselines["training_scores_on"] == {"purpose": "training scores", "rows": 100, "of": 341,
                                               "subsampled": True, "seed": 42, "stratified": True}
    assert baselines["svm_method"].startswith("Nystroem approximation")
    architecture = _artifact(run_dir, "03_architecture")
    assert (architecture["optimizer_rows"]["rows"], architecture["optimizer_rows"]["subsampled"]) == (250, True)
    assert set(architecture["optimizers"]) == {"adam", "sgd"}  # both trained on the subsample
    assert _artifact(run_dir, "04_tuning")["training_rows_per_trial"]["rows"] == 250
    overfit = _artifact(run_dir, "05_overfitting")
    assert {part: (r["rows"], r["seed"]) for part, r in overfit["rows"].items()} == {
        "training_scores": (100, 42), "learning_curves": (150, 42), "shuffled_labels": (150, 42)}
    for curve in overfit["learning_curves"].values():
        assert [point["n"] for point in curve][-2:] == [150, 341]
    assert _artifact(run_dir, "06_interpretation")["tune_rows"]["rows"] == 100
    log = (run_dir / "logs" / "05_overfitting.kernel.log").read_text()
    assert "05 shuffled-label refits: 13/13 done" in log
