import json
import re
from pathlib import Path

import joblib
import numpy as np
import pytest
from conftest import edit_yaml

from {{ cookiecutter.module_name }}_engine.cli.commands import main
from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.common.files import write_json
from {{ cookiecutter.module_name }}_engine.data.loading import load_dataset
from {{ cookiecutter.module_name }}_engine.data.provenance import sha256_file
from {{ cookiecutter.module_name }}_engine.ethics.register import blocking_entries, load_register
from {{ cookiecutter.module_name }}_engine.ethics.release import newest_completed_run, release, saved_models, tuned_models
from {{ cookiecutter.module_name }}_engine.settings.config import load_config
from {{ cookiecutter.module_name }}_engine.tasks.classification.models import make_model
from {{ cookiecutter.module_name }}_engine.tasks.registry import task_named

NOTEBOOKS = ("00_question", "07_ethics_register")


def _make_run(root, name="20260101-000000-quick", status="ok", models=True, sensitive=False):
    """A small run folder as `run` leaves it: run.json, and models saved by notebook 05 with their index."""
    run_dir = root / "reports" / "runs" / name
    (run_dir / "models").mkdir(parents=True)
    cfg = load_config(root / "lab.yaml")
    parameters = cfg.model_dump(mode="json")
    parameters["data"]["sensitive"] = sensitive
    write_json(run_dir / "run.json", {
        "status": status,
        "parameters": parameters,
        "git": {"commit": "abc123", "dirty": False},
        "inputs": {cfg.data.path: sha256_file(root / cfg.data.path)},
        "notebooks": {n: {"status": "ok" if status == "ok" or n == NOTEBOOKS[0] else "failed"} for n in NOTEBOOKS},
    })
    if models:
        data = load_dataset(cfg, root)
        model = make_model("logistic_regression", data.X, seed=0).fit(data.X, data.y)
        path = run_dir / "models" / "logistic_regression.joblib"
        joblib.dump(model, path)
        write_json(run_dir / "models" / "index.json", {"models": {"logistic_regression": {
            "file": "models/logistic_regression.joblib", "sha256": sha256_file(path), "params": {"C": 1.0}}}})
    return run_dir


def _settle(root, ids, permits=False):
    """What a person does: mark entries resolved with a date and a resolution."""
    path = root / "ethics" / "register.yaml"
    text = path.read_text()
    for entry_id in ids:
        block = re.search(rf'  - id: "{entry_id}"\n(?:    .*\n?)*', text).group(0)
        settled = re.sub(r"status: open", "status: resolved", block)
        settled = re.sub(r"resolved: null", "resolved: 2099-01-01", settled)
        settled = re.sub(r"resolution: null", "resolution: Checked with the ethics board.", settled)
        if permits:
            settled = settled.rstrip("\n") + "\n    permits: model_sharing\n"
        text = text.replace(block, settled)
    path.write_text(text)


def _release(root, *args):
    return main(["--config", str(root / "lab.yaml"), "release", *args])


@pytest.fixture
def study(project):
    """The project copy with data not marked sensitive (whatever was answered when it was made)."""
    edit_yaml(project / "lab.yaml", **{"data.sensitive": False})
    return project


def _blocking_ids(root):
    return [e.id for e in blocking_entries(load_register(root / "ethics" / "register.yaml"))]


def test_refuses_while_a_blocking_entry_is_open_naming_it_and_the_fix(study, capsys):
    _make_run(study)
    assert _release(study) == 2
    err = capsys.readouterr().err
    blocking = _blocking_ids(study)
    count = f"{len(blocking)} open {'entry' if len(blocking) == 1 else 'entries'}"
    assert err.startswith(f"error: release of run 20260101-000000-quick refused: {count} in ")
    assert all(f"{entry_id} (" in err for entry_id in blocking)
    assert "E001 (Consent and permitted use of the data confirmed, owner" in err
    assert "set its status to resolved, mitigated or accepted" in err and err.count("\n") == 1
    assert not (study / "reports" / "releases").exists()


def test_exports_models_register_and_release_json_once_settled(study, capsys):
    run_dir = _make_run(study)
    _settle(study, _blocking_ids(study))
    assert _release(study) == 0
    out = study / "reports" / "releases" / run_dir.name
    assert f"released into {out}" in capsys.readouterr().out
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "MODEL_CARD.md", "REFORMS.md", "dome-registry.json", "models/index.json", "models/logistic_regression.joblib",
        "register.yaml", "release.json"]
    record = json.loads((out / "release.json").read_text())
    assert record["run"] == f"reports/runs/{run_dir.name}" and record["commit"] == "abc123"
    assert record["data"]["sha256"] == sha256_file(study / "data/external/breast_cancer_wisconsin.csv")
    assert record["models"]["logistic_regression"]["sha256"] == sha256_file(out / "models/logistic_regression.joblib")
    assert record["register"]["sha256"] == sha256_file(study / "ethics/register.yaml")
    assert {e["id"]: e["status"] for e in record["register"]["entries_checked"]}["E001"] == "resolved"
    assert record["sensitive_data"] is False and record["model_card"] == "MODEL_CARD.md"
    assert (out / "register.yaml").read_text() == (study / "ethics/register.yaml").read_text()
    assert (out / "MODEL_CARD.md").read_text() == (run_dir / "MODEL_CARD.md").read_text()  # built for the release
    assert (out / "REFORMS.md").read_text() == (run_dir / "REFORMS.md").read_text()
    assert record["reforms"] == "REFORMS.md" and record["dome_registry"] == "dome-registry.json"
    assert "Intended use" in (out / "MODEL_CARD.md").read_text()
    model = joblib.load(out / "models/logistic_regression.joblib")
    assert model.predict_proba(load_dataset(load_config(study / "lab.yaml"), study).X.head(3)).shape == (3, 2)
    assert [p.name for p in out.parent.iterdir()] == [run_dir.name]  # no staging folder left behind


def test_sensitive_data_needs_a_resolved_entry_that_permits_sharing(study, capsys):
    _make_run(study, sensitive=True)
    _settle(study, _blocking_ids(study))
    assert _release(study) == 2
    err = capsys.readouterr().err
    assert "trained on data marked sensitive" in err and "with the line 'permits: model_sharing'" in err
    assert "block release" not in err
    _settle(study, ["E002"], permits=True)  # E002 is never blocking, so still open here
    assert _release(study) == 0
    out = next((study / "reports" / "releases").iterdir())
    record = json.loads((out / "release.json").read_text())
    assert record["sensitive_data"] is True and record["sharing_permitted_by"] == "E002"


def test_sensitive_now_in_lab_yaml_counts_even_if_the_run_said_otherwise(study, capsys):
    _make_run(study, sensitive=False)
    _settle(study, _blocking_ids(study))
    edit_yaml(study / "lab.yaml", **{"data.sensitive": True})
    assert _release(study) == 2 and "marked sensitive" in capsys.readouterr().err


def test_refuses_without_a_completed_run(study, capsys):
    _settle(study, _blocking_ids(study))
    assert _release(study) == 2
    assert capsys.readouterr().err == (
        "error: there is no completed run under reports/runs/ to release; run the notebooks first "
        "(`{{ cookiecutter.module_name }} run`) and release once every notebook has finished\n")
    failed = _make_run(study, name="20260202-000000-quick", status="failed")
    with pytest.raises(LabError, match="no completed run"):
        newest_completed_run(study)
    with pytest.raises(LabError, match=r"did not complete \(not finished: 07_ethics_register\)"):
        release(study / "lab.yaml", run_dir=failed)
    with pytest.raises(LabError, match="is not a run folder"):
        release(study / "lab.yaml", run_dir=study / "data")


def test_newest_completed_run_skips_unfinished_ones(study):
    older = _make_run(study, name="20260101-000000-quick", models=False)
    _make_run(study, name="20260301-000000-quick", status="failed", models=False)
    assert newest_completed_run(study) == older


def test_refuses_a_run_without_saved_models_a_changed_model_and_an_existing_folder(study, tmp_path):
    _settle(study, _blocking_ids(study))
    bare = _make_run(study, name="20260101-000000-quick", models=False)
    with pytest.raises(LabError, match="saved no models .*rerun notebook 05"):
        release(study / "lab.yaml", run_dir=bare)
    run_dir = _make_run(study, name="20260102-000000-quick")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x")
    with pytest.raises(LabError, match="already exists and is not empty"):
        release(study / "lab.yaml", run_dir=run_dir, out=busy)
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]
    (run_dir / "models" / "logistic_regression.joblib").write_bytes(b"tampered")
    with pytest.raises(LabError, match="changed since the run saved it"):
        release(study / "lab.yaml", run_dir=run_dir, out=tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()


def test_malformed_register_stops_the_release(study, capsys):
    _make_run(study)
    path = study / "ethics" / "register.yaml"
    path.write_text(path.read_text().replace("status: open", "status: closed", 1))
    assert _release(study) == 2
    assert "entry 1 (E001) field 'status' must be one of" in capsys.readouterr().err


class _FakeRun:
    """Just what tuned_models reads from a Run."""

    def __init__(self, run_dir, X, y):
        self.dir, self.seed, self._X, self._y = run_dir, 0, X, y
        self.cfg = type("Cfg", (), {"device": "cpu"})()  # lab.yaml's device, which refits of networks use
        self.task = task_named("classification")  # what builds the refitted models

    def load_artifact(self, name):
        return {"results": {"naive_bayes": {"best_params": {}}, "logistic_regression": {"best_params": {"C": 1.0}}}}

    def part(self, name):
        return self._X, self._y


def test_tuned_models_load_saved_models_and_refit_the_rest(study):
    run_dir = _make_run(study)
    data = load_dataset(load_config(study / "lab.yaml"), study)
    fake = _FakeRun(run_dir, data.X.head(200), data.y[:200])
    models = tuned_models(fake, ["logistic_regression", "naive_bayes"])
    saved = joblib.load(run_dir / "models/logistic_regression.joblib")
    assert np.array_equal(models["logistic_regression"].predict_proba(data.X), saved.predict_proba(data.X))
    assert models["naive_bayes"].classes_.tolist() == sorted(set(data.y[:200]))
    assert list(saved_models(run_dir)) == ["logistic_regression"]
    assert saved_models(Path(study)) == {}
