import json

import numpy as np
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.common.files import write_json
from {{ cookiecutter.module_name }}_engine.runner.runs import Run
from {{ cookiecutter.module_name }}_engine.splits.making import make_split


def test_artifacts_are_stable_json(tmp_path):
    data = {"b": np.float64(1 / 3), "a": np.arange(2), "n": float("nan"), "tiny": 1.23456789e-9}
    path = write_json(tmp_path / "a.json", data)
    assert json.loads(path.read_text()) == {"a": [0, 1], "b": 0.333333333333, "n": None, "tiny": 1.23456789e-9}
    assert path.read_text().index('"a"') < path.read_text().index('"b"')


def test_missing_artifact_says_which_notebook_to_run(project):
    run = Run.open(project / "reports/runs/r1", project / "lab.yaml")
    with pytest.raises(LabError, match="--from 04"):
        run.load_artifact("04_tuning")


def test_split_parts_and_the_closed_test_set(project):
    run = Run.open(project / "reports/runs/r1", project / "lab.yaml")
    data = run.data
    split = make_split(data.y, data.groups, 0.6, 0.2, run.seed)
    digest = run.input_hashes()[run.cfg.data.path]
    run.save_artifact("split", {"data_sha256": digest, "parts": split.to_dict(data.ids)})
    X_train, y_train = run.part("train")
    assert len(X_train) == len(y_train) == len(split.train)
    with pytest.raises(LabError, match="only notebook 05"):
        run.part("test")


def test_split_refused_when_recorded_for_other_data(project):
    run = Run.open(project / "reports/runs/r1", project / "lab.yaml")
    run.save_artifact("split", {"data_sha256": "0" * 64, "parts": {"train": [], "tune": [], "test": []}})
    with pytest.raises(LabError, match="other data"):
        run.split()


def test_figures_are_byte_identical_across_saves(project):
    from matplotlib.figure import Figure

    run = Run.open(project / "reports/runs/r1", project / "lab.yaml")
    contents = []
    for name in ("a", "b"):
        figure = Figure()
        figure.add_subplot().plot([0, 1, 2], [2, 0, 1])
        contents.append(run.save_figure(figure, name).read_bytes())
    assert contents[0] == contents[1]


def _with_split(project, **overrides):
    run = Run.open(project / "reports/runs/r1", project / "lab.yaml", overrides=overrides or None)
    data = run.data
    split = make_split(data.y, data.groups, 0.6, 0.2, run.seed)
    digest = run.input_hashes()[run.cfg.data.path]
    run.save_artifact("split", {"data_sha256": digest, "parts": split.to_dict(data.ids), "test_sha256": "t1"})
    return run, split


def test_test_gate_opens_once_logs_and_refuses_a_second_look(project):
    run, split = _with_split(project)
    X_test, y_test = run.open_test("network", reason="final evaluation")
    assert len(X_test) == len(y_test) == len(split.test)
    (entry,) = run.test_openings()
    assert set(entry) == {"time", "notebook", "model", "reason", "forced", "force_reason"}
    assert entry["model"] == "network" and entry["forced"] is False
    with pytest.raises(LabError, match="already opened 1 time.*test_set.reopen_reason"):
        run.open_test("network", reason="again")
    run.open_test("network", reason="again", force_reason="found a bug in the features")
    second = run.test_openings()[1]
    assert second["forced"] is True and second["force_reason"] == "found a bug in the features"
    with pytest.raises(LabError, match="needs a reason"):
        run.open_test("network", reason=" ", force_reason="x")


def test_project_ledger_counts_openings_and_distinct_settings(project):
    run, _ = _with_split(project)
    run.open_test("a", reason="r")
    rerun = Run.open(project / "reports/runs/r2", project / "lab.yaml")
    rerun.save_artifact("split", run.load_artifact("split"))
    rerun.open_test("a", reason="r")
    changed = Run.open(project / "reports/runs/r3", project / "lab.yaml", overrides={"seed": 9})
    changed.save_artifact("split", run.load_artifact("split"))
    changed.open_test("a", reason="r")
    summary = changed.ledger_summary()
    assert summary == {"file": "data/splits/breast_cancer_wisconsin.audit.jsonl", "openings": 3, "runs": 3,
                       "distinct_settings": 2}
    ledger = [json.loads(line) for line in (project / summary["file"]).read_text().splitlines()]
    assert [r["run"] for r in ledger] == ["r1", "r2", "r3"]
    assert "time" not in json.dumps(run.load_artifact("split"))


def test_a_reopen_reason_does_not_change_the_settings_digest(project):
    plain = Run.open(project / "reports/runs/r1", project / "lab.yaml")
    reason = Run.open(project / "reports/runs/r1", project / "lab.yaml", overrides={"test_set.reopen_reason": "x"})
    assert plain.settings_digest() == reason.settings_digest()


def test_fitted_models_are_saved_with_an_index(project):
    import joblib
    import pandas as pd
    from sklearn.dummy import DummyClassifier

    run = Run.open(project / "reports/runs/r1", project / "lab.yaml")
    model = DummyClassifier().fit(pd.DataFrame({"x": [0, 1]}), ["a", "b"])
    index = json.loads(run.save_models({"prior": (model, {"strategy": "prior"})}).read_text())
    entry = index["models"]["prior"]
    assert entry["file"] == "models/prior.joblib" and entry["params"] == {"strategy": "prior"}
    assert len(entry["sha256"]) == 64
    assert list(joblib.load(run.dir / entry["file"]).classes_) == ["a", "b"]
