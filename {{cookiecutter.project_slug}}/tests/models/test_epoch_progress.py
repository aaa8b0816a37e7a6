"""A network fit that runs long reports its epochs (epoch k/max, loss, tune score, ETA); a quick one stays silent."""

import io
import sys

import numpy as np
from sklearn.datasets import make_classification

from {{ cookiecutter.module_name }}_engine.common.progress import PROGRESS_FILE, follow_progress
from {{ cookiecutter.module_name }}_engine.models import epoch_progress
from {{ cookiecutter.module_name }}_engine.models.epoch_progress import EpochProgress, epoch_line
from {{ cookiecutter.module_name }}_engine.models.nets import TorchMLPClassifier


def _data():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    return X[:80].astype(np.float32), y[:80], X[80:].astype(np.float32), y[80:]


def test_an_epoch_line_gives_the_epoch_of_the_most_losses_score_and_an_upper_bound_on_the_time_to_go():
    line = epoch_line(60000, 5, 60, {"train_loss": 0.31234, "val_score": 0.91234}, 10.0, "tune")
    assert line == ("progress · network training (60,000 rows): epoch 5/60, train loss 0.3123, tune score 0.9123, "
                    "10 s so far, at most about 110 s to go")
    assert "score" not in epoch_line(100, 1, 2, {"train_loss": 0.5}, 1.0)  # nothing watched: the loss only


def test_a_long_network_fit_writes_epoch_lines_to_the_progress_file_and_the_run_log(tmp_path, monkeypatch):
    path = tmp_path / "05_overfitting.progress.log"
    monkeypatch.setenv(PROGRESS_FILE, str(path))
    monkeypatch.setattr(epoch_progress, "EPOCH_SECONDS", 0.0)  # every epoch counts as long
    X, y, X_val, y_val = _data()
    echoed = []
    with follow_progress(path, echoed.append, indent="", every=0):
        TorchMLPClassifier(hidden=(8,), epochs=3, seed=0).fit(X, y, validation_data=(X_val, y_val))
    lines = path.read_text().splitlines()
    assert [line.split(": epoch ")[1].split(",")[0] for line in lines] == ["1/3", "2/3", "3/3"]
    assert all("network training (80 rows)" in line and "tune score" in line and "s to go" in line for line in lines)
    assert echoed and echoed[-1].startswith("network training (80 rows): epoch 3/3")


def test_a_quick_network_fit_writes_no_epoch_line(tmp_path, monkeypatch):
    path = tmp_path / "03_architecture.progress.log"
    monkeypatch.setenv(PROGRESS_FILE, str(path))
    X, y, X_val, y_val = _data()
    TorchMLPClassifier(hidden=(8,), epochs=5, seed=0, early_stopping=True).fit(X, y)
    assert not path.exists()


def test_lines_come_at_most_once_per_interval_and_a_notebook_also_gets_a_bar(monkeypatch):
    monkeypatch.setattr(epoch_progress, "in_notebook", lambda: True)
    shown = io.StringIO()
    monkeypatch.setattr(sys, "stderr", shown)
    clock = iter([0.0, 1.0, 2.0, 12.0, 13.0, 25.0])  # start, then the end of epochs 1-5
    log = io.StringIO()
    with EpochProgress(10, 500, "validation_data", every=10, log=log, clock=lambda: next(clock)) as ticker:
        for _ in range(5):
            ticker.step({"train_loss": 0.5, "val_score": 0.8})
    lines = log.getvalue().splitlines()
    assert [line.split("epoch ")[1].split(",")[0] for line in lines] == ["3/10", "5/10"]
    assert "tune score 0.8" in lines[0] and "network training (500 rows)" in shown.getvalue()


def test_the_tune_score_of_every_epoch_on_coded_classes_is_the_score_of_the_labels_themselves():
    from {{ cookiecutter.module_name }}_engine.tasks.classification.evaluation import primary_score

    for n_classes in (2, 3):
        X, y = make_classification(n_samples=150, n_features=6, n_informative=4, n_classes=n_classes, random_state=1)
        labels = np.array(["control", "case", "other"], dtype=object)[y]  # not in sorted order
        X = X.astype(np.float32)
        net = TorchMLPClassifier(hidden=(8,), epochs=4, seed=0).fit(X[:100], labels[:100],
                                                                    validation_data=(X[100:], labels[100:]))
        for record in net.history_:
            assert record["val_score"] == record["val_score"]  # scored, not NaN
        last = primary_score(labels[100:], net.predict_proba(X[100:]), net.classes_)
        assert abs(net.history_[-1]["val_score"] - last) < 1e-6, n_classes
