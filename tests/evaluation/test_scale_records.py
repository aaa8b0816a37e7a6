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
    assert compared == {**every_row, "purpose": "optimiser comparison fits", "rows": 341, "of": 341}
    assert _artifact(run_dir, "06_interpretation")["stability_rows"]["subsampled"] is False
    assert _artifact(run_dir, "04_tuning")["training_rows_per_trial"]["rows"] == 341
    rows = _artifact(run_dir, "05_overfitting")["rows"]
    assert {part: r["subsampled"] for part, r in rows.items()} == dict.fromkeys(rows, False)
    assert rows["learning_curves"]["refits"] == 3  # the last point is each finalist's gap fit, not a fourth refit
    overfit = _artifact(run_dir, "05_overfitting")
    for family, curve in overfit["learning_curves"].items():
        gap = overfit["gaps"][family]
        assert curve[-1] == {"fraction": 1.0, "n": 341, "train": gap["train"], "tune": gap["tune"]}
    tuned = _artifact(run_dir, "04_tuning")["results"]
    for family, fits in overfit["gap_fits"].items():  # below TUNING_ROWS the trial rows are every training row
        assert fits["fitted_on"]["rows"] == fits["fitted_on"]["of"] == 341
        if family not in overfit["finalists"].values():  # the best trial's own model: the search's tune score
            assert overfit["gaps"][family]["tune"] == tuned[family]["best_score"], family
    assert _artifact(run_dir, "06_interpretation")["tune_rows"]["of"] == 114


def _between(stdout, start, end):
    return stdout.split(start, 1)[1].split(end, 1)[0]


def test_the_run_log_shows_the_progress_of_long_cells_while_their_notebook_runs(quick_run):
    """Trials (done of total, best so far, ETA) and refits appear under their notebook, before it ends."""
    _, run_dir, stdout = quick_run
    tuning = _between(stdout, "04_tuning …", "04_tuning ")
    tuned = _artifact(run_dir, "04_tuning")
    families, n_trials = tuned["families"], tuned["budget_per_family"]
    for family in families:
        assert f"04 tuning {family}: {n_trials}/{n_trials} done, best so far " in tuning, (family, tuning[-2000:])
    assert "s to go" in tuning
    overfitting = _between(stdout, "05_overfitting …", "05_overfitting ")
    for what in ("05 tuned models refitted", "05 learning-curve refits", "05 shuffled-label refits"):
        assert f"      {what}: " in overfitting
    interpretation = _between(stdout, "06_interpretation …", "06_interpretation ")
    assert "06 importance tables: 3/3 done" in interpretation and "06 network seeds: " in interpretation
    assert "02 baselines fitted and scored: " in _between(stdout, "02_baselines …", "02_baselines ")


def test_above_their_sizes_the_switches_engage_in_the_notebooks_and_are_recorded(tmp_path):
    """The built-in data run with every size in scale.py lowered below it: each switch takes its scalable path."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    from conftest import DEFAULT_MODULE, TEMPLATE_DIR, project_env
    from cookiecutter.main import cookiecutter

    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(tmp_path)))
    scale = project / "src" / f"{DEFAULT_MODULE}_engine" / "evaluation" / "scale.py"
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
    assert _artifact(run_dir, "04_tuning")["training_rows_per_trial"]["rows"] == 250
    overfit = _artifact(run_dir, "05_overfitting")
    assert {part: (r["rows"], r["seed"]) for part, r in overfit["rows"].items()} == {
        "training_scores": (100, 42), "learning_curves": (150, 42), "shuffled_labels": (150, 42)}
    for curve in overfit["learning_curves"].values():
        assert [point["n"] for point in curve][-2:] == [150, 341]
    tuned = _artifact(run_dir, "04_tuning")["results"]
    for family, fits in overfit["gap_fits"].items():
        if family in overfit["finalists"].values():  # on to the test set: every training row
            assert (fits["fitted_on"]["rows"], fits["training_scores"]["rows"]) == (341, 100)
        else:  # fitted on the 250 rows its trials read, scored on 100 of them, its tune score the search's own
            fitted, scored = fits["fitted_on"], fits["training_scores"]
            assert (fitted["rows"], fitted["seed"], scored["rows"], scored["of"]) == (250, 42, 100, 250)
            assert overfit["gaps"][family]["tune"] == tuned[family]["best_score"], family
    assert _artifact(run_dir, "06_interpretation")["tune_rows"]["rows"] == 100
    for notebook, key in (("03_architecture", "optimizer_rows"), ("06_interpretation", "stability_rows")):
        assert {k: _artifact(run_dir, notebook)[key][k] for k in ("rows", "of", "seed")} == {"rows": 150, "of": 341,
                                                                                          "seed": 42}
    assert set(_artifact(run_dir, "03_architecture")["optimizers"]) == {"adam", "sgd"}
    assert "05 shuffled-label refits: 13/13 done" in result.stdout  # the run log echoes the notebook's progress
    assert "05 shuffled-label refits: 13/13 done" in (run_dir / "logs" / "05_overfitting.progress.log").read_text()
