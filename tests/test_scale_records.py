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
    assert _artifact(run_dir, "04_tuning")["training_rows_per_trial"]["rows"] == 341
    rows = _artifact(run_dir, "05_overfitting")["rows"]
    assert {part: r["subsampled"] for part, r in rows.items()} == dict.fromkeys(rows, False)
    assert rows["learning_curves"]["refits"] == 4
    assert _artifact(run_dir, "06_interpretation")["tune_rows"]["of"] == 114
