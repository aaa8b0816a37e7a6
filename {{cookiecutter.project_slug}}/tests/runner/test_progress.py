import ast
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

from {{ cookiecutter.module_name }}_engine.common.progress import PROGRESS_FILE, emit, follow_progress, progress_file, progress_line
from {{ cookiecutter.module_name }}_engine.modalities.sequence.frame import SequenceFrame
from {{ cookiecutter.module_name }}_engine.models import networks as architectures
from {{ cookiecutter.module_name }}_engine.models.netinputs import network_preprocessing
from {{ cookiecutter.module_name }}_engine.tuning.search import tune_family, tune_shared
from {{ cookiecutter.module_name }}_engine.tuning.studies import local_storage_url

PROJECT = Path(__file__).resolve().parents[2]
ENGINE = "{{ cookiecutter.module_name }}_engine"


def _splits(n=160, seed=0):
    X, y = make_classification(n_samples=n, n_features=5, n_informative=3, flip_y=0.1, random_state=seed)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    labels = np.array(["control", "case"], dtype=object)[y]
    return frame.iloc[:100], labels[:100], frame.iloc[100:], labels[100:]


def test_a_progress_line_gives_steps_done_of_total_the_best_so_far_and_an_eta():
    line = progress_line("04 tuning svm", 3, 12, 6.0, best=0.91234)
    assert line == "progress · 04 tuning svm: 3/12 done, best so far 0.9123, 6 s so far, about 18 s to go"
    resumed = progress_line("04 tuning svm", 6, 12, 6.0, resumed=4)  # 2 trials here in 6 s: 3 s each
    assert resumed.endswith("about 18 s to go")


def test_lines_go_to_the_run_folder_file_and_the_runner_echoes_only_new_ones(tmp_path, monkeypatch):
    path = progress_file(tmp_path, "05_overfitting")
    path.write_text("progress · an earlier attempt: 1/2 done\n")
    monkeypatch.setenv(PROGRESS_FILE, str(path))
    echoed, every_line = [], []
    with follow_progress(path, echoed.append, indent="  "), follow_progress(path, every_line.append, "  ", every=0):
        emit(progress_line("05 refits", 1, 2, 1.0))
        emit(progress_line("05 refits", 2, 2, 2.0))
    assert every_line == ["  05 refits: 1/2 done, 1 s so far, about 1 s to go",
                          "  05 refits: 2/2 done, 2 s so far, about 0 s to go"]
    assert echoed == ["  05 refits: 2/2 done, 2 s so far, about 0 s to go"]  # quick steps: the last one only
    assert len(path.read_text().splitlines()) == 3  # appended, the earlier line kept
    log = io.StringIO()
    emit("to a given stream", log)
    assert log.getvalue() == "to a given stream\n"


def test_each_tuning_trial_writes_a_line_with_the_best_score_and_a_resumed_search_counts_on(tmp_path, monkeypatch):
    path = tmp_path / "04_tuning.progress.log"
    monkeypatch.setenv(PROGRESS_FILE, str(path))
    storage = local_storage_url(tmp_path)
    result = tune_family("logistic_regression", *_splits(), n_trials=3, seed=0, storage=storage)
    tune_family("logistic_regression", *_splits(), n_trials=4, seed=0, storage=storage)
    lines = path.read_text().splitlines()
    assert [line.split(":")[1].split(",")[0].strip() for line in lines] == ["1/3 done", "2/3 done", "3/3 done",
                                                                          "4/4 done"]
    assert f"best so far {result['best_score']:.4g}" in lines[2]
    assert all(line.startswith("progress · 04 tuning logistic_regression: ") for line in lines)


def test_a_tune_worker_counts_its_own_trials(tmp_path, monkeypatch):
    path = tmp_path / "worker.log"
    monkeypatch.setenv(PROGRESS_FILE, str(path))
    tune_shared(local_storage_url(tmp_path), "shared", "naive_bayes", 2, *_splits(), seed=0)
    lines = path.read_text().splitlines()
    assert [line.split(": ")[1].split(",")[0] for line in lines] == ["1/2 done", "2/2 done"]


def test_the_network_preprocessing_stand_in_matches_the_network_pipeline():
    X = pd.DataFrame({"a": [1.0, 2.0, np.nan, 4.0], "b": ["x", "y", "x", "z"]})
    assert repr(network_preprocessing(X)[:-1]) == repr(architectures.make_network(X)[:-1])
    sequences = SequenceFrame.of(["ACGTAC", "TTGACA", "GGGCCA", "ACGTTT"], "dna", 6, 3)
    assert repr(network_preprocessing(sequences)[:-1]) == repr(architectures.make_network(sequences)[:-1])


def _notebook_imports(name):
    notebook = json.loads((PROJECT / "notebooks" / name).read_text())
    statements = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            tree = ast.parse("".join(cell["source"]))
            statements += [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return statements


def test_notebooks_that_train_no_network_never_import_pytorch():
    """00-02 import no torch, and 02's work (baselines fitted, the shared preprocessing checked) loads none."""
    work = f"""
from {ENGINE}.tasks.classification.models import make_baselines
from {ENGINE}.models.preprocess import shared_preprocessing
from {ENGINE}.tasks.classification.evaluation import score_model
from {ENGINE}.models.netinputs import network_preprocessing
from {ENGINE}.evaluation.scale import Progress, take
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=80, n_features=4, random_state=0)
X = pd.DataFrame(X, columns=list("abcd"))
baselines = make_baselines(X, seed=0)
assert shared_preprocessing(dict(baselines, network=network_preprocessing(X)))
steps = Progress(len(baselines), "fits", log=sys.stdout)
for model in baselines.values():
    steps.begin()
    score_model(model.fit(X, y), X, y)
steps.close()
"""
    names = [nb.name for nb in sorted((PROJECT / "notebooks").glob("0[0-2]_*.ipynb"))]
    imports = [line for name in names for line in _notebook_imports(name)]
    script = "\n".join(["import sys", "import pandas as pd", *imports, work,
                        "print(sorted(m for m in ('torch', 'captum', 'optuna') if m in sys.modules))"])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT / "notebooks", env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(names) == 3 and result.stdout.splitlines()[-1] == "[]"
