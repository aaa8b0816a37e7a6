"""A run folder made by hand, as the runner leaves it: artifacts, one figure, one executed notebook.

Shared by the report, standards and first-use tests, which build reports from it without running a study.
"""

import json
from pathlib import Path

import nbformat
from matplotlib.figure import Figure

ARTIFACTS = {
    "00_question": {
        "question": "Do nuclei features separate the diagnoses?",
        "hypothesis": "A simple model does as well as a network.",
        "assessment": {"recommendation": "start with classical models", "reasons": ["Few samples per class."],
                       "samples_per_class": {"benign": 60, "malignant": 40}, "n_samples": 100, "n_features": 4},
    },
    "01_data_provenance": {
        "manifest": [{"path": "data/external/t.csv", "description": "A test table.", "source": "made by hand",
                      "accession": "https://example.org/t", "licence": "CC BY 4.0", "version": "1",
                      "retrieved": "2026-01-01", "sha256": "ab" * 32}],
        "summary": {"n_rows": 100, "n_columns": 4, "class_balance": {"benign": 60, "malignant": 40},
                    "numeric_columns": ["a", "b", "c"], "categorical_columns": ["d"], "columns_with_missing": [],
                    "n_duplicate_groups": 0},
        "split_sizes": {"train": 60, "tune": 20, "test": 20},
        "split_classes": {"train": {"benign": 36, "malignant": 24}, "tune": {"benign": 12, "malignant": 8},
                          "test": {"benign": 12, "malignant": 8}},
        "warnings": [{"check": "near_duplicates", "message": "Two samples are nearly identical."}],
        "datasheet": {
            "Motivation": {"Why were the data collected": {"value": None, "by": "person"}},
            "Composition": {"What the instances are": {"value": "Fine-needle aspirates.", "by": "run"},
                            "Recommended splits": {"value": None, "by": "person"}},
        },
    },
    "split": {"data_sha256": "ab" * 32, "seed": 7, "parts": {"train": ["s1"], "tune": ["s2"], "test": ["s3"]},
              "file": "data/splits/t.json", "leakage": {"near_duplicates": []}},
    "02_baselines": {"score": "roc_auc", "models": {
        "prior": {"tune_roc_auc": 0.5, "tune_pr_auc": 0.4, "tune_mcc": 0.0, "tune_prevalence": 0.4},
        "logistic_regression": {"tune_roc_auc": 0.91, "tune_pr_auc": 0.88, "tune_mcc": 0.7, "tune_prevalence": 0.4}}},
    "03_architecture": {"checks": {"parameters": 500, "training_samples": 60, "initial_loss_ok": True,
                                   "initial_loss": 0.7, "expected_initial_loss": 0.693, "final_train_loss": 0.1}},
    "04_tuning": {
        "strategy": "seeded search", "budget_per_family": 3, "equal_budgets": True, "best_family": "network",
        "results": {
            "logistic_regression": {"family": "logistic_regression", "best_score": 0.92, "n_trials": 3,
                                    "best_params": {"C": 1.0}, "trials": [{"number": 0, "score": 0.9}]},
            "network": {"family": "network", "best_score": 0.95, "n_trials": 3, "best_params": {"dropout": 0.1},
                        "trials": [{"number": 0, "score": 0.93}, {"number": 1, "score": 0.95}]},
        },
    },
    "05_overfitting": {
        "score": "roc_auc", "threshold": 0.05, "flagged": ["network"],
        "gaps": {"network": {"train": 1.0, "tune": 0.9, "gap": 0.1, "flagged": True},
                 "logistic_regression": {"train": 0.93, "tune": 0.92, "gap": 0.01, "flagged": False}},
        "test": {"n": 20, "models": {"network": {"metrics": {"roc_auc": {"value": 0.95, "low": 0.9, "high": 0.99}}},
                                     "logistic_regression": {"metrics": {"roc_auc": {"value": 0.93, "low": 0.85,
                                                                                     "high": 0.98}}}},
                 "paired": {"difference": 0.02}},
        "test_openings": 1, "test_reopened": False,
    },
    "06_interpretation": {"model": "network", "method": "permutation importance",
                          "importance": [{"feature": "a", "importance_mean": 0.1, "ci_low": 0.05, "ci_high": 0.15}],
                          "cautions": ["Importances are associations, not causes."],
                          "not_supported": ["That feature a causes malignancy."]},
    "07_ethics_register": {
        "sensitive_data": False, "blocking_open": ["E001"],
        "entries": [
            {"id": "E001", "title": "Consent confirmed", "category": "consent", "status": "open", "owner": "Ann",
             "opened": "2026-01-01", "blocks_release": True},
            {"id": "E002", "title": "Old worry", "category": "bias", "status": "resolved", "owner": "Ann",
             "opened": "2026-01-01", "resolved": "2026-01-02", "resolution": "Checked subgroups.",
             "blocks_release": False},
        ],
    },
}


def make_run(folder: Path, artifacts=ARTIFACTS) -> Path:
    """A run folder as the runner leaves it, with hand-made artifacts, one figure and one executed notebook."""
    (folder / "artifacts").mkdir(parents=True)
    (folder / "figures").mkdir()
    (folder / "notebooks").mkdir()
    manifest = {"run": folder.name, "status": "ok", "profile": "quick", "created": "2026-01-01T10:00:00",
                "parameters": {"seed": 7, "task": "classification", "data": {"path": "data/external/t.csv",
                                                                             "positive_class": "malignant"},
                               "network": {"hidden": [8], "dropout": 0.0}},
                "notebooks": {"00_question": {"status": "ok", "seconds": 1.5}}}
    (folder / "run.json").write_text(json.dumps(manifest))
    for name, data in artifacts.items():
        (folder / "artifacts" / f"{name}.json").write_text(json.dumps(data))
    figure = Figure(figsize=(2, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    figure.savefig(folder / "figures" / "05_train_tune_gap.png")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Question"), nbformat.v4.new_code_cell("1 + 1")]
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", {"image/png": _png_base64()})]
    nbformat.write(nb, folder / "notebooks" / "00_question.ipynb")
    return folder


def _png_base64() -> str:
    import base64
    import io

    buffer = io.BytesIO()
    Figure(figsize=(1, 1)).savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode()
