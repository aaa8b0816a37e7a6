"""The report states the study's findings truthfully: the right counts, the saved model, the verdict."""

import copy
import json
import re

import joblib
import numpy as np
import pytest
from fake_run import ARTIFACTS, make_run

from {{ cookiecutter.module_name }}_engine.models.nets import TorchMLPClassifier, count_parameters
from {{ cookiecutter.module_name }}_engine.reports.documents import PERSON
from {{ cookiecutter.module_name }}_engine.reports.report import build_report
from {{ cookiecutter.module_name }}_engine.runner.runs import Run


def _artifacts(**changes):
    """ARTIFACTS with some artifacts' fields replaced: _artifacts(a={"k": v}) updates artifact a."""
    found = copy.deepcopy(ARTIFACTS)
    for name, fields in changes.items():
        found.setdefault(name, {}).update(fields)
    return found


def _section(html, anchor):
    start = html.index(f'id="{anchor}"')
    return html[start:html.index("</section>", start)]


PAIRED = {"model_a": "network", "model_b": "k_nearest_neighbours", "metric": "roc_auc", "difference": 0.163,
          "low": 0.099, "high": 0.218, "excludes_zero": True, "score_a": 0.894, "score_b": 0.731}
SHUFFLED = {"network": {"observed": 0.99, "null_mean": 0.52, "n_runs": 3, "p_value": 0.25,
                        "smallest_possible_p": 0.25, "flagged": False}}
INTERPRETATION = {
    "model": "network", "method": "integrated-gradients attribution on the tune split",
    "importance": [{"feature": f"f{i}", "importance_mean": 0.1, "ci_low": -0.1, "ci_high": 0.2} for i in range(20)],
    "permutation": {"k_nearest_neighbours": [{"feature": "a", "importance_mean": 0.01, "ci_low": 0.0,
                                              "ci_high": 0.02}]},
    "integrated_gradients": {"summary": "mean absolute attribution per column",
                             "importance": [{"feature": "b", "importance_mean": 0.4, "ci_low": 0.3, "ci_high": 0.5}]},
    "indistinguishable_from_zero": {"k_nearest_neighbours · permutation": ["x"] * 6,
                                    "network · permutation": ["y"] * 15, "network · integrated gradients": []},
    "motif": {"match": {"pearson": 0.97114, "shift": 0}, "pearson_by_seed": {"42": 0.97, "43": 0.94}},
    "shortcut": {"columns": []},
    "cautions": ["Importances are associations."], "not_supported": ["That any input causes the outcome."],
}


@pytest.fixture
def findings_run(tmp_path):
    overfitting = {**ARTIFACTS["05_overfitting"], "shuffled_labels": SHUFFLED,
                   "test": {**ARTIFACTS["05_overfitting"]["test"], "paired": PAIRED}}
    return make_run(tmp_path / "r", _artifacts(**{"05_overfitting": overfitting, "06_interpretation": INTERPRETATION}))


def test_indistinguishable_inputs_are_counted_per_model_and_method(findings_run):
    build_report(findings_run)
    html = (findings_run / "index.html").read_text()
    assert "3 inputs are indistinguishable" not in html
    assert "K-nearest neighbours, permutation: 6 of 20 inputs are indistinguishable from zero." in html
    assert "The network, permutation: 15 of 20 inputs" in html
    assert "The network, integrated gradients: 0 of 20 inputs" in html


def test_importance_tables_are_named_by_the_method_that_made_them(findings_run):
    build_report(findings_run)
    part = _section((findings_run / "index.html").read_text(), "interpretation")
    assert "Permutation importance of k-nearest neighbours: drop in tune ROC-AUC" in part
    assert "Integrated-gradients attributions of the network (mean absolute attribution per column" in part
    assert part.index("Integrated-gradients") < part.index("<td>b</td>")


def test_verdict_opens_the_index_with_the_winner_interval_and_controls(findings_run):
    build_report(findings_run)
    html = (findings_run / "index.html").read_text()
    verdict = _section(html, "verdict")
    assert html.index('id="verdict"') < html.index('id="question"') < html.index('id="data"')
    assert "Best on the held-back test split (20 samples): the network, ROC-AUC 0.950." in verdict
    assert "the network beat k-nearest neighbours (ROC-AUC 0.894 against 0.731): difference +0.163 [95% paired " \
           "bootstrap interval +0.099 to +0.218], an interval that excludes zero" in verdict
    assert "So the network beat the best tuned classical model (k-nearest neighbours)" in verdict
    assert "p = 0.250 is the smallest possible with 3 refits" in verdict
    assert "Pearson r = 0.971 (from 0.940 to 0.970 across 2 seeds)" in verdict
    assert "What this run does not support" in verdict and "That any input causes the outcome." in verdict
    assert "start with classical models" not in verdict  # notebook 00's advice stays with 00
    caveats = _section(html, "caveats")
    assert "start with classical models" not in caveats
    assert "Before modelling" in _section(html, "question")


def test_verdict_without_a_demonstrated_difference_says_the_simpler_model_is_enough(tmp_path):
    paired = {**PAIRED, "difference": -0.003, "low": -0.016, "high": 0.003, "excludes_zero": False}
    overfitting = {**ARTIFACTS["05_overfitting"], "test": {**ARTIFACTS["05_overfitting"]["test"], "paired": paired}}
    run = make_run(tmp_path / "r", _artifacts(**{"05_overfitting": overfitting}))
    build_report(run)
    verdict = _section((run / "index.html").read_text(), "verdict")
    assert "did not differ demonstrably" in verdict and "an interval that includes zero" in verdict
    assert "does not show that the network beats the best tuned classical model" in verdict


def test_results_are_sentences_not_key_lists_everywhere(findings_run):
    build_report(findings_run)
    for name in ("index.html", "MODEL_CARD.md", "DOME.md"):
        text = (findings_run / name).read_text()
        assert "excludes zero: " not in text and "difference: " not in text, name
    dome = (findings_run / "DOME.md").read_text()
    assert "difference +0.163 [95% paired bootstrap interval +0.099 to +0.218]" in dome
    assert "Pearson r = 0.971" in dome and "p = 0.250 is the smallest possible with 3 refits" in dome


def test_dome_completeness_counts_only_fields_the_run_filled_alone(findings_run):
    summary = build_report(findings_run)
    dome = json.loads((findings_run / "dome.json").read_text())
    markdown = (findings_run / "DOME.md").read_text()
    asked = sum(1 for field in re.split(r"^### ", markdown, flags=re.M)[1:] if PERSON in field)
    assert dome["completeness"]["left_for_person"] == asked > 0
    assert dome["completeness"]["filled"] == 21 - asked == summary.dome_filled
    assert dome["dataset/provenance"]["has_run_content"] and not dome["dataset/provenance"]["filled"]
    sentence = f"filled by the run: {21 - asked} of 21; left for a person: {asked}"
    assert sentence in markdown and sentence in (findings_run / "index.html").read_text()
    for name in ("MODEL_CARD.md", "DATASHEET.md"):
        text = (findings_run / name).read_text()
        fields = re.split(r"^### ", text, flags=re.M)[1:]
        person = sum(1 for field in fields if PERSON in field)
        assert f"filled by the run: {len(fields) - person} of {len(fields)}; left for a person: {person}" in text


def test_model_card_and_dome_describe_the_saved_model_read_from_the_saved_file(tmp_path, project):
    X = np.random.default_rng(0).normal(size=(60, 5))
    y = np.where(X[:, 0] > 0, "malignant", "benign")
    net = TorchMLPClassifier(hidden=(7,), epochs=4, seed=0).fit(X, y)
    model_run = Run.open(project / "reports/runs/r1", project / "lab.yaml")
    model_run.save_models({"network": (net, {"hidden": [7], "epochs": 4, "dropout": 0.0})})
    run = make_run(tmp_path / "saved")
    (run / "models").mkdir()
    for path in (model_run.dir / "models").iterdir():
        (run / "models" / path.name).write_bytes(path.read_bytes())
    build_report(run)
    saved = joblib.load(run / "models/network.joblib")
    p = count_parameters(saved.module_)
    card, dome = (run / "MODEL_CARD.md").read_text(), (run / "DOME.md").read_text()
    assert p != ARTIFACTS["03_architecture"]["checks"]["parameters"]
    assert f"{p} trainable parameters" in card and f"p = {p} trainable parameters" in dome
    assert "5 inputs → 7 → 1 output" in card and f"trained for {len(saved.history_)} epochs" in card
    assert "p = 500" not in dome  # the untuned starting network of notebook 03


def test_early_stopping_is_read_from_one_record_and_never_contradicted(tmp_path):
    stopping = {"used_in": "network tuning trials (notebook 04)", "monitor": "loss on the tune split",
                "patience": 10, "best_weights_kept": True}
    tuning = {**ARTIFACTS["04_tuning"], "early_stopping": stopping}
    run = make_run(tmp_path / "r", _artifacts(**{"04_tuning": tuning}))
    build_report(run)
    dome, card = (run / "DOME.md").read_text(), (run / "MODEL_CARD.md").read_text()
    assert "no early stopping" not in dome
    expected = "Early stopping was used in network tuning trials (notebook 04): training stopped after 10 epochs"
    assert expected in dome and expected in card


def test_subgroup_results_are_a_small_table_in_the_model_card(tmp_path):
    subgroups = {"columns": ["sex"], "split": "tune", "metric_for_gaps": "balanced_accuracy",
                 "definitions": {"sex": {"kind": "values", "edges": None}},
                 "table": [{"model": "network", "subgroup": "sex", "group": "F", "n": 30, "roc_auc": 0.9,
                            "balanced_accuracy": 0.8},
                           {"model": "network", "subgroup": "sex", "group": "M", "n": 25, "roc_auc": 0.85,
                            "balanced_accuracy": 0.7}],
                 "gaps": {"network": {"sex": {"gap": 0.1, "worst": "M", "best": "F", "flagged": False}}}}
    ethics = {**ARTIFACTS["07_ethics_register"], "subgroups": subgroups}
    run = make_run(tmp_path / "r", _artifacts(**{"07_ethics_register": ethics}))
    build_report(run)
    card = (run / "MODEL_CARD.md").read_text()
    assert "definitions: sex" not in card and "edges:" not in card
    assert "| model | subgroup | group | n | ROC-AUC | balanced accuracy |" in card
    assert "| network | sex | F | 30 | 0.900 | 0.800 |" in card
    assert "the largest gap in balanced accuracy between groups is 0.100 (M against F)" in card


def test_datasheet_asks_each_question_once_in_words(tmp_path):
    draft = {"Composition": {"recommended_splits": {"by": "run", "value": {"file": "s.json", "sizes": {"train": 1}}},
                             "labels": {"by": "run", "value": {"column": "y", "classes": {"a": 3, "b": 2}}}},
             "Preprocessing/cleaning/labeling": {"raw_data_kept": {"by": "run", "value": "t.csv"}},
             "Motivation": {"purpose": {"by": "run", "value": "To test."}, "funding": {"by": "person", "value": None}}}
    provenance = {**ARTIFACTS["01_data_provenance"], "datasheet": draft}
    run = make_run(tmp_path / "r", _artifacts(**{"01_data_provenance": provenance}))
    build_report(run)
    markdown = (run / "DATASHEET.md").read_text()
    questions = re.findall(r"^### (.+)$", markdown, flags=re.M)
    assert len(questions) == len(set(questions))
    assert not [q for q in questions if "_" in q]
    assert "Recommended splits" in questions and "Is the raw data kept" in questions
    assert "Column 'y'; per class: a 3, b 2." in markdown
    splits = markdown[markdown.index("### Recommended splits"):]
    splits = splits[: splits.index("\n### ")]
    assert "train 60, tune 20, test 20" in splits and "sizes:" not in splits


def test_documents_describe_only_the_inputs_the_study_reads(tmp_path):
    builtin = {"path": "data/external/breast_cancer_wisconsin.csv", "description": "The built-in example table."}
    mine = {**ARTIFACTS["01_data_provenance"]["manifest"][0]}
    provenance = {**ARTIFACTS["01_data_provenance"], "manifest": [builtin, mine], "inputs": {mine["path"]: "ab" * 32}}
    run = make_run(tmp_path / "r", _artifacts(**{"01_data_provenance": provenance}))
    build_report(run)
    for name in ("index.html", "DATASHEET.md", "DOME.md", "MODEL_CARD.md"):
        text = (run / name).read_text()
        assert "built-in example table" not in text, name
        assert "A test table" in text, name


def test_sequence_documents_describe_the_sequence_preprocessing_actually_fitted(tmp_path):
    from types import SimpleNamespace

    from {{ cookiecutter.module_name }}_engine.data.datasheet import preprocessing_description

    spec = SimpleNamespace(alphabet="dna", length=None, length_policy="pad", kmer=4)
    described = preprocessing_description(SimpleNamespace(modality="sequence", sequence=spec))
    assert "4-letter words (k-mers)" in described and "one-hot letters" in described and "'pad'" in described
    assert "median" not in described
    provenance = {**ARTIFACTS["01_data_provenance"], "sequences": {"alphabet": "dna", "fixed_length": 80},
                  "sequence_length_policy": {"policy": "pad", "n_padded": 3, "n_trimmed": 0}}
    run = make_run(tmp_path / "r", _artifacts(**{"01_data_provenance": provenance}))
    manifest = json.loads((run / "run.json").read_text())
    manifest["parameters"]["sequence"] = {"kmer": 3}
    (run / "run.json").write_text(json.dumps(manifest))
    build_report(run)
    sheet = (run / "DATASHEET.md").read_text()
    part = sheet[sheet.index("### Preprocessing for modelling"):]
    part = part[: part.index("\n### ")]
    assert "3-letter words (3-mers)" in part and "3 sequences were padded" in part and "median" not in part


def test_report_command_ends_with_the_verdict(project, capsys):
    from {{ cookiecutter.module_name }}_engine.cli.commands import main

    make_run(project / "reports" / "runs" / "20260102-090000-quick")
    assert main(["--config", str(project / "lab.yaml"), "report"]) == 0
    out = capsys.readouterr().out
    assert "verdict:\n  - Best on the held-back test split (20 samples): the network, ROC-AUC 0.950." in out


def test_multiclass_reports_give_per_class_shares_not_a_binary_looking_prevalence(tmp_path):
    test = {**ARTIFACTS["05_overfitting"]["test"], "prevalence": None,
            "class_prevalence": {"Adelie": 0.44, "Chinstrap": 0.2, "Gentoo": 0.36}}
    run = make_run(tmp_path / "r", _artifacts(**{"05_overfitting": {**ARTIFACTS["05_overfitting"], "test": test}}))
    build_report(run)
    for name in ("index.html", "MODEL_CARD.md"):
        text = (run / name).read_text()
        assert "Class shares in the test split: Adelie 0.440, Chinstrap 0.200, Gentoo 0.360" in text, name
        assert "scores 0.333" in text


def test_verdict_reports_what_the_shortcut_check_measured(tmp_path):
    shortcut = {"columns": ["site"], "label_from_metadata": {"roc_auc_mean": 0.86, "roc_auc_std": 0.02, "folds": 5},
                "score_drop_without_metadata": {"network": {"with": 0.95, "without": 0.81, "drop": 0.14}}}
    run = make_run(tmp_path / "r", _artifacts(**{"06_interpretation": {**INTERPRETATION, "shortcut": shortcut}}))
    build_report(run)
    verdict = _section((run / "index.html").read_text(), "verdict")
    assert "Metadata columns (site) alone predict the label with cross-validated ROC-AUC 0.860: they could " \
           "stand in for the biology (a shortcut); the network loses 0.140 without them." in verdict
