import json

import numpy as np
import pytest

from {{ cookiecutter.module_name }}.errors import LabError
from {{ cookiecutter.module_name }}.files import write_json
from {{ cookiecutter.module_name }}.runs import Run
from {{ cookiecutter.module_name }}.splits import make_split


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
