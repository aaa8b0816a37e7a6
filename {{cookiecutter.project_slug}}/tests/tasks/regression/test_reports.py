"""Reports of a study that predicts a number: they say regression, show R², RMSE, MAE with intervals and coverage."""

import copy
import json

import pytest
from fake_run import ARTIFACTS, make_run

from {{ cookiecutter.module_name }}_engine.reports.documents import completeness
from {{ cookiecutter.module_name }}_engine.reports.dome import dome_document
from {{ cookiecutter.module_name }}_engine.reports.report import build_report
from {{ cookiecutter.module_name }}_engine.reports.runfacts import RunFacts
from {{ cookiecutter.module_name }}_engine.tasks.regression.report import conformal_lines, regression_paired_text


def _metric(value, low, high):
    return {"value": value, "low": low, "high": high}


REGRESSION = {
    "00_question": {**ARTIFACTS["00_question"], "task": "regression",
                    "question": "Does a network predict disease progression better than ridge regression?",
                    "assessment": {"recommendation": "start with classical models", "reasons": ["442 samples."],
                                   "n_samples": 442, "n_features": 10,
                                   "target": {"n": 442, "mean": 152.1, "sd": 77.0, "median": 140.5, "min": 25.0,
                                              "max": 346.0,
                               "skewness": 0.44, "n_outliers": 0, "share_zero": 0.0, "log_suggested": False,
                               "log_reason": "the target is not strongly skewed"}}},
    "01_data_provenance": {**{k: v for k, v in ARTIFACTS["01_data_provenance"].items()
                              if k not in ("split_classes",)},
                           "task": "regression",
                           "summary": {"n_rows": 442, "n_columns": 10, "numeric_columns": ["age", "bmi"],
                                       "categorical_columns": [], "columns_with_missing": [], "n_duplicate_groups": 0},
                           "split_sizes": {"train": 264, "tune": 89, "test": 89},
                           "stratified_on": {"kind": "quantile_bins", "bins": 5, "edges": [90, 130, 180, 230]}},
    "02_baselines": {"score": "r2", "task": "regression", "prior_label": "mean predictor", "models": {
        "prior": {"tune_r2": -0.01, "tune_rmse": 77.0, "tune_mae": 66.0, "tune_pearson": None, "tune_score": -0.01,
                  "beats_prior": False},
        "ridge": {"tune_r2": 0.48, "tune_rmse": 55.0, "tune_mae": 44.0, "tune_pearson": 0.7, "tune_score": 0.48,
                  "beats_prior": True}}},
    "04_tuning": {"metric": "r2", "score_sign": 1, "strategy": "seeded search", "budget_per_family": 3,
                  "equal_budgets": True, "best_family": "ridge",
                  "results": {"ridge": {"family": "ridge", "best_score": 0.5, "n_trials": 3,
                                        "best_params": {"alpha": 1}, "trials": [{"number": 0, "score": 0.5}]},
                              "svm": {"family": "svm", "best_score": 0.4, "n_trials": 3, "best_params": {"C": 2},
                                      "trials": [{"number": 0, "score": 0.4}]},
                              "network": {"family": "network", "best_score": 0.45, "n_trials": 3,
                                          "best_params": {"dropout": 0.1}, "trials": [{"number": 0, "score": 0.45}]}}},
    "05_overfitting": {
        "task": "regression", "score": "r2", "threshold": 0.05, "flagged": [],
        "gaps": {"network": {"train": 0.55, "tune": 0.45, "gap": 0.1, "flagged": True},
                 "svm": {"train": 0.5, "tune": 0.45, "gap": 0.05, "flagged": False}},
        "shuffled_labels": {"network": {"observed": 0.45, "null_mean": -0.05, "n_runs": 3, "p_value": 0.25,
                                        "smallest_possible_p": 0.25, "flagged": False}},
        "test": {"n": 89, "n_resamples": 200, "target": {"mean": 150.2, "sd": 75.3},
                 "models": {"network": {"metrics": {"mae": _metric(44.2, 38.9, 50.3), "r2": _metric(0.46, 0.31, 0.58),
                                                    "rmse": _metric(55.1, 49.0, 61.2)}},
                            "ridge": {"metrics": {"r2": _metric(0.50, 0.36, 0.61), "rmse": _metric(53.0, 47.1, 59.0),
                                                  "mae": _metric(42.0, 37.0, 47.5)}}},
                 "paired": {"model_a": "network", "model_b": "ridge", "n_resamples": 200, "metrics": {
                     "r2": {"difference": -0.04, "low": -0.1, "high": 0.02, "excludes_zero": False},
                     "rmse": {"difference": 2.1, "low": -1.0, "high": 5.0, "excludes_zero": False}}}},
        "conformal": {"network": {"nominal": 0.9, "coverage": 0.876, "mean_width": 180.2, "quantile": 90.1,
                                  "n_calibration": 89, "n": 89},
                      "ridge": {"nominal": 0.9, "coverage": 0.921, "mean_width": 170.4, "quantile": 85.2,
                                "n_calibration": 89, "n": 89}},
        "test_openings": 1, "test_reopened": False,
    },
    "06_interpretation": {"task": "regression", "model": "ridge", "method": "permutation importance on the tune split",
                          "importance_unit": "drop in tune R² when the column is shuffled",
                          "importance": [{"feature": "bmi", "importance_mean": 0.2, "ci_low": 0.1, "ci_high": 0.3}],
                          "permutation": {"ridge": [{"feature": "bmi", "importance_mean": 0.2, "ci_low": 0.1,
                                                     "ci_high": 0.3}]},
                          "surrogate": {"depth": 3, "leaves": 8, "fidelity_measure": "r2", "fidelity_tune": 0.81,
                                        "fidelity_train": 0.85, "rules": "|--- bmi <= 0.1\\n|   |--- predicted: 120"},
                          "shortcut": {"columns": ["sex"], "label_from_metadata": {"r2_mean": 0.01, "folds": 5}},
                          "cautions": ["Importances are associations, not causes."],
                          "not_supported": ["That bmi causes progression."]},
    "07_ethics_register": {**ARTIFACTS["07_ethics_register"], "task": "regression",
                           "subgroups": {"columns": ["sex"], "split": "tune", "metric_for_gaps": "mae",
                                         "table": [{"model": "network", "subgroup": "sex", "group": "1", "n": 45,
                                                    "mean_target": 150.0, "r2": 0.4, "mae": 40.0},
                                                   {"model": "network", "subgroup": "sex", "group": "2", "n": 44,
                                                    "mean_target": 155.0, "r2": 0.3, "mae": 52.0}],
                                         "gaps": {"network": {"sex": {"metric": "mae", "gap": 12.0,
                                                                      "relative_gap": 0.26, "worst": "2", "best": "1",
                                                                      "flagged": True}}}}},
}


def _regression_run(folder):
    run = make_run(folder, REGRESSION)
    manifest = json.loads((run / "run.json").read_text())
    manifest["parameters"].update(task="regression", data={"path": "data/external/t.csv", "positive_class": None,
                                                           "target": "progression"})
    (run / "run.json").write_text(json.dumps(manifest))
    return run


@pytest.fixture
def regression_run(tmp_path):
    return _regression_run(tmp_path / "r")


def test_index_says_regression_with_intervals_and_conformal_coverage(regression_run):
    build_report(regression_run)
    html = (regression_run / "index.html").read_text()
    assert 'id="task">regression: each model predicts a number' in html
    assert "R²" in html and "0.460 (0.310–0.580)" in html and "55.100 (49.000–61.200)" in html
    header = html[html.index('id="test-table"'):]
    assert header.index("R²") < header.index("RMSE") < header.index("MAE")
    assert "87.6%" in html and "nominal 90.0%" in html and "BELOW the nominal level" in html
    assert "mean 150.200 and standard deviation 75.300" in html
    assert "Samples per class" not in html and "the prior (class frequencies)" not in html
    assert "stratified on 5 quantile bins of the target" in html
    assert "the target is a number (mean 152.100, standard deviation 77.000" in html
    assert "ROC-AUC" not in html.split('id="notebooks"')[0]
    assert "Shuffled-target control" in html and "above every shuffled-target refit" in html
    assert "support vector machine" not in html and "mean predictor" in html


def test_model_card_dome_and_datasheet_speak_regression(regression_run):
    build_report(regression_run)
    card = (regression_run / "MODEL_CARD.md").read_text()
    dome = (regression_run / "DOME.md").read_text()
    sheet = (regression_run / "DATASHEET.md").read_text()
    for text in (card, dome):
        assert "regression" in text and "R²" in text and "87.6%" in text and "0.460 (0.310–0.580)" in text
        assert "probability per class" not in text and "class frequencies" not in text
    assert "regression: each model predicts a number" in sheet and "the target is a number" in sheet
    assert "mean predictor always predicts the training mean" in dome and "support vector machine" not in dome
    measures = next(line for line in dome.splitlines() if "the panel also reports" in line)
    assert "RMSE" in measures and "score" not in measures.split("reports")[1]  # the ranking score is not a metric
    assert "highest predicted probability" not in card
    assert "support vector regression" in card and "support vector machine" not in card


def test_paired_text_reads_the_lead_metric_and_the_better_side_of_an_error():
    paired = {"model_a": "network", "model_b": "ridge", "metrics": {
        "rmse": {"difference": -5.0, "low": -9.0, "high": -1.0, "excludes_zero": True},
        "r2": {"difference": 0.05, "low": -0.01, "high": 0.1, "excludes_zero": False}}}
    text = regression_paired_text(paired, "rmse")
    assert text.startswith("On the test split network beat ridge in RMSE: difference (network − ridge) -5.000")
    assert "R² +0.050 (includes zero)" in text
    assert regression_paired_text({"metrics": {}}, "r2") is None


def test_conformal_lines_compare_coverage_with_the_nominal_level(regression_run):
    lines = conformal_lines(RunFacts.load(regression_run))
    assert len(lines) == 2
    assert "87.6% of the 89 test samples (BELOW the nominal level)" in lines[0]
    assert "92.1% of the 89 test samples (at or above the nominal level)" in lines[1]


def test_dome_completeness_of_regression_reaches_the_classification_run(regression_run, tmp_path):
    classification = make_run(tmp_path / "c", copy.deepcopy(ARTIFACTS))
    ours = completeness(dome_document(RunFacts.load(regression_run)))
    theirs = completeness(dome_document(RunFacts.load(classification)))
    assert ours.by_run >= theirs.by_run > 0
