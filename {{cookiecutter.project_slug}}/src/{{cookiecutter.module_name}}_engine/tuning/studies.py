"""Where tuning studies live and how they are opened: SQLite in the run folder, a journal file or PostgreSQL.

A study carries its search space's hash and the data's fingerprint, so workers of one study share both;
an interrupted search resumes from its database.
"""

import contextlib
import hashlib
import importlib
import re
import sqlite3
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..common.errors import LabError
from ..common.lazy_imports import optuna, quiet_optuna
from ..tasks.registry import task_of
from .spaces import space_hash
from .storage import absolute_journal_url, is_journal, open_journal

STORAGE_FILE = "tuning.sqlite3"


STUDY_PREFIX = "04_tuning"


def local_storage_url(run_dir):
    """SQLite file in the run folder: the default home of this run's studies."""
    return f"sqlite:///{Path(run_dir).resolve() / STORAGE_FILE}"


def run_storage_url(cfg, root, run_dir):
    """Where notebook 04 keeps its studies: lab.yaml's tuning.storage (shared with `tune` workers,
    a relative journal path read from the project folder `root`), else the run folder's SQLite file."""
    url = cfg.tuning.storage
    return absolute_journal_url(url, root) if url else local_storage_url(run_dir)


def study_name_for(family, prefix=STUDY_PREFIX):
    """Deterministic study name of one family, so a rerun finds (and resumes) its study."""
    return f"{prefix}-{family}"


def mask_url(url):
    """The storage URL with any password replaced by ***, safe to print."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", str(url))


def open_storage(url, shared=False):
    """Open an Optuna RDB storage, turning a malformed or unreachable URL into one sentence.

    `shared` (several workers) adds heartbeats, so a worker that dies has its trial marked failed.
    """
    if is_journal(url):  # an Optuna journal file: no server, safe on network filesystems
        return open_journal(url)
    if not isinstance(url, str) or "://" not in url:
        raise LabError(
            f"tuning storage '{mask_url(url)}' is not a database URL; write it like "
            "sqlite:///tuning.sqlite3, journal:///shared/folder/study.log or postgresql://user:password@host:5432/dbname."
        )
    given, url = url, _with_installed_driver(url)
    engine_kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        _rollback_journal(Path(url[len("sqlite:///"):]))
    if url.startswith("postgresql"):
        engine_kwargs = {"connect_args": {"connect_timeout": 10}}
    beats = {"heartbeat_interval": 60, "grace_period": 180} if shared else {}
    try:
        return _rdb_storage(url, engine_kwargs, beats)
    except ImportError:
        raise LabError(
            f"cannot open the tuning storage {mask_url(given)}: no database driver for it is installed; install "
            "the project's postgres extra (pip install -e '.[postgres]') or use a sqlite:/// URL."
        ) from None
    except Exception as error:  # SQLAlchemy and driver errors of many kinds; one sentence instead
        reason = _first_line(error)
        raise LabError(
            f"cannot open the tuning storage {mask_url(given)} ({reason}); check the URL's driver, user, host, "
            "port and database name, and that the database server is running and reachable from here."
        ) from None


def _rollback_journal(path):
    """Keep a SQLite file in its default rollback-journal mode (and turn an older write-ahead-log file
    back): write-ahead logging needs shared memory that network filesystems do not provide, so a run
    folder on NFS or Lustre would corrupt or lock its study. Shared studies use a journal:/// file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(path, timeout=60)) as db:
        db.execute("PRAGMA journal_mode=DELETE")


def _rdb_storage(url, engine_kwargs, beats, attempts=5):
    """RDBStorage, retried when workers starting together race to create Optuna's tables."""
    from sqlalchemy.exc import DatabaseError

    for attempt in range(attempts):
        try:
            with quiet_optuna(), warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)  # heartbeats
                return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs, **beats)
        except DatabaseError as error:  # another worker created the same table a moment earlier
            racing = any(word in str(error).lower() for word in ("already exists", "duplicate", "unique constraint"))
            if not racing or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _with_installed_driver(url):
    """postgresql:// means psycopg (v3) to SQLAlchemy 2.1; use psycopg2 when only it is installed."""
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg") is None:
        if importlib.util.find_spec("psycopg2") is not None:
            return f"postgresql+psycopg2://{rest}"
    return url


def open_study(storage, name, family, fixed=None, data_key=None, seed=0, prune=True):
    """Create or load the study `name`, refusing one made for another family, space or split.

    `prune=False` runs every trial to its last epoch (equal work per trial, e.g. to compare workers).
    """
    expected = {"family": family, "space_sha256": space_hash(family, fixed)}
    if data_key is not None:
        expected["data_sha256"] = data_key
    pruner = optuna.pruners.MedianPruner(**PRUNER) if prune else optuna.pruners.NopPruner()
    with quiet_optuna():
        study = optuna.create_study(
            storage=storage, study_name=name, load_if_exists=True, direction="maximize",
            sampler=optuna.samplers.TPESampler(seed=int(seed)), pruner=pruner,
        )
    recorded = study.user_attrs
    for key, value in expected.items():
        if key == "data_sha256" and key in recorded and recorded[key] != value:
            raise LabError(
                f"study '{name}' was made on another split's training/tune data (data_sha256 {recorded[key]}, "
                f"this worker's split gives {value}), e.g. by another project or before `split --new`; run this "
                "worker in the project whose recorded split made the study, or pick a new --study name."
            )
        if key in recorded and recorded[key] != value:
            what = {"family": "model family", "space_sha256": "search space", "data_sha256": "training/tune data"}
            raise LabError(
                f"study '{name}' already exists with another {what[key]} ({key} {recorded[key]}, this "
                f"worker has {value}); pick a new --study name, or run with the same family and lab.yaml settings."
            )
        if key not in recorded:
            study.set_user_attr(key, value)
    return study


def data_fingerprint(X_train, y_train, X_tune, y_tune):
    """Short hash of the training and tune rows, so workers of one study share the same split."""
    digest = hashlib.sha256()
    for table in (X_train, X_tune):
        digest.update(pd.util.hash_pandas_object(pd.DataFrame(table), index=False).to_numpy().tobytes())
    for labels in (y_train, y_tune):
        digest.update("\x1f".join(map(str, np.asarray(labels).tolist())).encode())
    return digest.hexdigest()[:16]


def study_data_key(X_train, y_train, X_tune, y_tune, metric=None):
    """The data fingerprint, plus the metric for a numeric target: a study scored otherwise is another study."""
    key = data_fingerprint(X_train, y_train, X_tune, y_tune)
    return task_of(y_train).study_key(key, metric)


REPORT_EVERY = 5  # epochs between the network's intermediate tune scores (what the pruner sees)


PRUNER = {"n_startup_trials": 2, "n_warmup_steps": 2 * REPORT_EVERY}


def _first_line(error):
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return mask_url(text[0] if text else type(error).__name__).rstrip(".")
