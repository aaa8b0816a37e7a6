"""Optuna journal files as the tuning storage, and the run folder's SQLite file without WAL."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import optuna
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.settings.config import load_config
from {{ cookiecutter.module_name }}_engine.tuning.storage import absolute_journal_url, journal_path, worker_tag
from {{ cookiecutter.module_name }}_engine.tuning.studies import local_storage_url, open_storage, open_study, run_storage_url

SRC = Path(__file__).resolve().parents[2] / "src"
WRITER = """
import sys, optuna
from {{ cookiecutter.module_name }}_engine.tuning.studies import open_storage
optuna.logging.set_verbosity(optuna.logging.WARNING)
storage = open_storage(sys.argv[1], shared=True)
study = optuna.create_study(storage=storage, study_name="race", load_if_exists=True)
study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=int(sys.argv[2]))
"""


def test_two_processes_writing_one_journal_lose_no_trial(tmp_path):
    url, per_worker = f"journal://{tmp_path / 'study.log'}", 25
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(per_worker)], env=env, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    for writer in writers:
        assert writer.wait(timeout=240) == 0, writer.stderr.read()
    trials = optuna.load_study(study_name="race", storage=open_storage(url)).trials
    assert sorted(t.number for t in trials) == list(range(2 * per_worker))
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    assert len({t.params["x"] for t in trials}) == 2 * per_worker


def test_journal_paths_are_absolute_or_read_from_the_project_folder(tmp_path):
    assert journal_path("journal:///shared/lab/s.log") == Path("/shared/lab/s.log")
    assert journal_path("journal://tuning/s.log", tmp_path) == tmp_path.resolve() / "tuning/s.log"
    assert absolute_journal_url("journal://s.log", tmp_path) == f"journal://{tmp_path.resolve() / 's.log'}"
    assert absolute_journal_url("sqlite:///x.db", tmp_path) == "sqlite:///x.db"
    with pytest.raises(LabError, match="names no journal file"):
        journal_path("journal:///shared/lab/")


def test_a_journal_in_a_missing_folder_is_one_sentence(tmp_path):
    with pytest.raises(LabError) as error:
        open_storage(f"journal://{tmp_path / 'nowhere' / 's.log'}")
    assert f"the folder {tmp_path / 'nowhere'} does not exist; create it" in str(error.value)
    assert not (tmp_path / "nowhere").exists()


def test_a_journal_in_a_read_only_folder_is_one_sentence(tmp_path):
    folder = Path("/sys") if os.geteuid() == 0 else tmp_path / "locked"  # root writes through chmod; sysfs refuses
    if folder != Path("/sys"):
        folder.mkdir()
        folder.chmod(0o555)
    with pytest.raises(LabError) as error:
        open_storage(f"journal://{folder / 's.log'}")
    assert f"cannot write in the folder {folder} (" in str(error.value)
    assert "folder this user can write to" in str(error.value)


def test_a_journal_made_on_another_split_refuses_this_one(tmp_path):
    storage = open_storage(f"journal://{tmp_path / 's.log'}")
    open_study(storage, "net", "naive_bayes", data_key="aaaa")
    with pytest.raises(LabError) as error:
        open_study(open_storage(f"journal://{tmp_path / 's.log'}"), "net", "naive_bayes", data_key="bbbb")
    assert str(error.value) == (
        "study 'net' was made on another split's training/tune data (data_sha256 aaaa, this worker's split gives "
        "bbbb), e.g. by another project or before `split --new`; run this worker in the project whose recorded "
        "split made the study, or pick a new --study name."
    )


def test_the_run_folders_sqlite_study_does_not_use_write_ahead_logging(tmp_path):
    path = tmp_path / "tuning.sqlite3"
    with sqlite3.connect(path) as db:  # a file left in WAL mode by an older version is turned back
        db.execute("PRAGMA journal_mode=WAL")
    storage = open_storage(local_storage_url(tmp_path))
    open_study(storage, "nb", "naive_bayes").optimize(lambda t: 0.5, n_trials=1)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not (tmp_path / "tuning.sqlite3-wal").exists()


def test_notebook_04_uses_lab_yamls_shared_storage_when_set(project, tmp_path):
    cfg = load_config(project / "lab.yaml")
    assert run_storage_url(cfg, project, tmp_path) == local_storage_url(tmp_path)
    shared = load_config(project / "lab.yaml", {"tuning.storage": "journal://tuning/study.log"})
    assert run_storage_url(shared, project, tmp_path) == f"journal://{project.resolve() / 'tuning/study.log'}"


@pytest.mark.parametrize(("field", "value", "words"), [
    ("tuning.storage", "mysql://x", "must be null, journal:///shared/folder/study.log"),
    ("tuning.sbatch_options", ["partition=short"], "each option must be one sbatch flag"),
])
def test_bad_shared_storage_settings_are_refused(project, field, value, words):
    with pytest.raises(LabError, match=words):
        load_config(project / "lab.yaml", {field: value})


def test_worker_tag_names_the_slurm_array_task(monkeypatch):
    monkeypatch.setenv("SLURM_ARRAY_JOB_ID", "77")
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "3")
    tag = worker_tag()
    assert tag["slurm_job"] == "77_3" and tag["pid"] == os.getpid()
    assert json.loads(json.dumps(tag)) == tag


def test_trials_that_workers_added_count_towards_notebook_04s_budget(tmp_path):
    from sklearn.datasets import make_classification

    from {{ cookiecutter.module_name }}_engine.tuning.search import tune_family, tune_shared
    from {{ cookiecutter.module_name }}_engine.tuning.studies import study_name_for

    X, y = make_classification(n_samples=120, n_features=4, random_state=0)
    X = pd.DataFrame(X, columns=list("abcd"))
    rows = (X.iloc[:80].reset_index(drop=True), y[:80], X.iloc[80:].reset_index(drop=True), y[80:])
    url = f"journal://{tmp_path / 'study.log'}"
    name = study_name_for("naive_bayes")
    shared = tune_shared(url, name, "naive_bayes", 3, *rows, seed=0, slot=0)
    assert shared["worker_trials"] == [0, 1, 2]
    result = tune_family("naive_bayes", *rows, n_trials=4, seed=0, storage=url)
    assert result["n_trials"] == 4 and result["best_score"] >= shared["best_score"]
    study = optuna.load_study(study_name=name, storage=open_storage(url))
    assert len(study.trials) == 4 and [t.user_attrs.get("slot") for t in study.trials] == [0, 0, 0, None]


def test_workers_racing_to_create_a_fresh_sqlite_study_retry(tmp_path, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    real, calls = optuna.storages.RDBStorage, []

    def racing(*args, **kwargs):  # the first attempt loses the race for Optuna's version table
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: alembic_version.version_num"))
        return real(*args, **kwargs)

    monkeypatch.setattr(optuna.storages, "RDBStorage", racing)
    assert open_storage(local_storage_url(tmp_path)) is not None and len(calls) == 2
