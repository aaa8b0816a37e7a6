"""Equal-budget hyperparameter search for every model family (Tips 2, 6).

Each family gets the same number of Optuna trials, the same seeded sampler and the same tune
split, so a network is never compared against baselines left at their defaults. Studies live
in a database (SQLite in the run folder by default), so an interrupted search resumes, and
many processes or machines can share one study (`<module> tune --storage postgresql://…`).
"""

import contextlib
import hashlib
import importlib
import importlib.util
import json
import math
import multiprocessing
import os
import queue
import re
import sqlite3
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from .baselines import CLASSICAL, make_model, parameter_names
from .errors import LabError
from .nets import (
    TorchMLPClassifier,
    both_strands,
    fit_network,
    make_network,
    network_parameter_names,
    pick_device,
    starting_params,
)
from .progress import TrialProgress
from .regression_nets import loss_setting
from .storage import absolute_journal_url, is_journal, open_journal
from .tasks import task_of


class _Lazy:
    """A module imported on first use: notebooks that only read results (05-07) skip optuna's import."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attribute):
        return getattr(importlib.import_module(self._name), attribute)


optuna = _Lazy("optuna")
NETWORK = "network"
STORAGE_FILE = "tuning.sqlite3"
STUDY_PREFIX = "04_tuning"
REPORT_EVERY = 5  # epochs between the network's intermediate tune scores (what the pruner sees)
PATIENCE = 10  # epochs without a lower tune loss before a network trial stops early
PRUNER = {"n_startup_trials": 2, "n_warmup_steps": 2 * REPORT_EVERY}
STRATEGY = (
    "Optuna TPE sampler, seeded per trial; maximise {metric} on the tune split; network trials stop "
    f"early on the tune loss (patience {PATIENCE} epochs, best weights kept) and are pruned by a "
    f"median pruner on tune scores reported every {REPORT_EVERY} epochs; families searched side by side, "
    "each study one trial at a time"
)


def strategy(metric_name: str = "ROC-AUC") -> str:
    """The search strategy in one sentence, naming the score it maximises (e.g. "R²", "−RMSE")."""
    return STRATEGY.format(metric=metric_name)
# How the network's number of epochs is chosen: the one record every report reads (notebook 04 saves it).
EARLY_STOPPING = {
    "used_in": "network tuning trials (notebook 04)",
    "monitor": "loss on the tune split",
    "patience": PATIENCE,
    "best_weights_kept": True,
    "final_fit": "the saved network is refitted on the training split for the best epoch its trial recorded, "
                 "with early stopping off",
}
EQUAL_BUDGETS_REASON = (
    "Every family, the network included, had the same number of trials on the same training and tune "
    "rows: tuning only some models lets the tuned ones win for that reason alone, the 'Continental "
    "Breakfast Included' effect that Lee et al. (2022, Tips 2 and 6) warn about."
)


class _Held:
    """Trial stand-in: hyperparameters fixed in lab.yaml are returned as given, the rest suggested."""

    def __init__(self, trial, fixed):
        self._trial, self.fixed = trial, dict(fixed or {})

    def suggest_float(self, name, *args, **kwargs):
        return self.fixed[name] if name in self.fixed else self._trial.suggest_float(name, *args, **kwargs)

    def suggest_int(self, name, *args, **kwargs):
        return self.fixed[name] if name in self.fixed else self._trial.suggest_int(name, *args, **kwargs)

    def suggest_categorical(self, name, choices):
        return self.fixed[name] if name in self.fixed else self._trial.suggest_categorical(name, choices)


def _logistic_regression_space(trial):
    return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True)}


def _ridge_space(trial):
    return {"alpha": trial.suggest_float("alpha", 1e-3, 1e3, log=True)}


def _random_forest_space(trial):
    return {
        "n_estimators": trial.suggest_int("n_estimators", 50, 300, step=50),
        "max_depth": trial.suggest_int("max_depth", 2, 16),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 10),
        "max_features": trial.suggest_categorical("max_features", ["sqrt", "log2"]),
    }


def _k_nearest_neighbours_space(trial):
    return {
        "n_neighbors": trial.suggest_int("n_neighbors", 1, 30),
        "weights": trial.suggest_categorical("weights", ["uniform", "distance"]),
    }


def _naive_bayes_space(trial):
    return {"var_smoothing": trial.suggest_float("var_smoothing", 1e-12, 1e-2, log=True)}


def _svm_space(trial):
    return {
        "C": trial.suggest_float("C", 1e-2, 1e3, log=True),
        "gamma": trial.suggest_float("gamma", 1e-4, 1.0, log=True),
    }


def _network_space(trial):
    params = {
        "lr": trial.suggest_float("lr", 1e-4, 1e-2, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
    }
    if "hidden" not in trial.fixed:
        depth = trial.suggest_int("n_layers", 1, 3)
        params["hidden"] = [trial.suggest_categorical("width", [16, 32, 64, 128])] * depth
    if "n_letters" in trial.fixed:  # a network over sequence letters: a CNN, whose filters are tuned too
        params["channels"] = trial.suggest_categorical("channels", [8, 16, 32])
        params["kernel_size"] = trial.suggest_categorical("kernel_size", [5, 9, 13])
    return params


# The one declared place for search spaces: family -> function(trial) -> model params.
SEARCH_SPACES = MappingProxyType(
    {
        "logistic_regression": _logistic_regression_space,
        "ridge": _ridge_space,  # regression only (lab.yaml task: regression)
        "random_forest": _random_forest_space,
        "k_nearest_neighbours": _k_nearest_neighbours_space,
        "naive_bayes": _naive_bayes_space,
        "svm": _svm_space,
        NETWORK: _network_space,
    }
)
TUNABLE = (*CLASSICAL, "ridge", NETWORK)
# Families searched first when several processes share the work: the slowest ones.
_COSTLIEST_FIRST = ("random_forest", NETWORK, "svm", "k_nearest_neighbours", "logistic_regression", "ridge",
                    "naive_bayes")


def suggest_params(family, trial, fixed=None):
    """Model params for one trial: the family's search space with `fixed` ones held constant."""
    _check_family(family)
    fixed = dict(fixed or {})
    return {**SEARCH_SPACES[family](_Held(trial, fixed)), **fixed}


def hyperparameter_names(family):
    """Names a family accepts as fixed hyperparameters in lab.yaml (its model's parameters)."""
    _check_family(family)
    if family == NETWORK:
        return sorted({*network_parameter_names(), "loss"})  # loss: the regression head's (mse | huber)
    if family == "ridge":
        from .regression_models import regression_parameter_names

        return regression_parameter_names(family)
    return parameter_names(family)


def check_fixed(fixed, where="lab.yaml: field 'tuning.fixed'"):
    """Refuse fixed hyperparameters for unknown families or with names the model does not have."""
    for family, params in dict(fixed or {}).items():
        if family not in SEARCH_SPACES:
            raise LabError(f"{where} names unknown model family '{family}'; use one of {', '.join(TUNABLE)}.")
        unknown = sorted(set(params or {}) - set(hyperparameter_names(family)))
        if unknown:
            raise LabError(
                f"{where}.{family} names unknown hyperparameter(s) {', '.join(map(repr, unknown))}; "
                f"use one of {', '.join(hyperparameter_names(family))}."
            )


def search_space_signature(family, fixed=None):
    """The search space as data (each suggested name and its range) plus the fixed params.

    Its hash, stored with a study, stops a worker from adding trials drawn from another space.
    """
    with _quiet_optuna():
        trial = optuna.create_study().ask()
    suggest_params(family, trial, fixed)
    space = {name: json.loads(optuna.distributions.distribution_to_json(d)) for name, d in trial.distributions.items()}
    return {"family": family, "space": space, "fixed": _jsonable(fixed or {})}


def space_hash(family, fixed=None):
    """sha256 of search_space_signature, in short hex."""
    text = json.dumps(search_space_signature(family, fixed), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_model(family, X, params=None, seed=0, device=None):
    """Unfitted Pipeline for any tunable family, the network included.

    One entry point so baselines and the network are built, and tuned, the same way; `device`
    (lab.yaml's device) places a network, and classical models ignore it.
    """
    if family == NETWORK:
        return make_network(X, params, seed, device=device)
    return make_model(family, X, params, seed)


# storage --------------------------------------------------------------------------------------
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
            with _quiet_optuna(), warnings.catch_warnings():
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
    with _quiet_optuna():
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


def _data_key(X_train, y_train, X_tune, y_tune, metric=None):
    """The data fingerprint, plus the metric for a numeric target: a study scored otherwise is another study."""
    key = data_fingerprint(X_train, y_train, X_tune, y_tune)
    task = task_of(y_train)
    return f"{key}:{task.metric(metric)}" if task.is_regression else key


# one family -------------------------------------------------------------------------------------
def make_objective(family, X_train, y_train, X_tune, y_tune, seed, fixed=None, device=None, metric=None):
    """Optuna objective: fit the trial's model on training rows, return its tune-split score.

    The score is ROC-AUC for classes; for a numeric target (tasks.task_of) it is `metric` (R² by
    default; RMSE and MAE negated, so higher is always better).

    Network trials stop early on the tune loss, report tune scores every REPORT_EVERY epochs for
    the median pruner, and record `epochs` = the best epoch, so refitting the recorded params on
    the training rows rebuilds the same network.
    """
    _check_family(family)
    fixed = dict(fixed or {})

    task = task_of(y_train)

    def objective(trial):
        params = suggest_params(family, trial, fixed)
        if family != NETWORK:
            trial.set_user_attr("params", params)
            model = task.build_model(family, X_train, params, seed).fit(X_train, y_train)
            return task.score(model, X_tune, y_tune, metric)
        return _network_trial(trial, params, X_train, y_train, X_tune, y_tune, seed, device, metric)

    return objective


def _network_trial(trial, params, X_train, y_train, X_tune, y_tune, seed, device=None, metric=None):
    settings = {"early_stopping": True, "patience": PATIENCE, **params}
    task = task_of(y_train)
    model = task.make_network(X_train, settings, seed, device=device)
    trial.set_user_attr("device", pick_device(model[-1].device))  # where this trial trained, kept per trial

    def report(epoch, record):
        if epoch % REPORT_EVERY == 0 and math.isfinite(record["val_score"]):
            trial.report(record["val_score"], epoch)
            if trial.should_prune():
                trial.set_user_attr("params", params)
                trial.set_user_attr("stopped_epoch", epoch)
                raise optuna.TrialPruned(f"tune score {record['val_score']:.4f} below the median at epoch {epoch}")

    fit_network(model, X_train, y_train, (X_tune, y_tune), on_evaluate=report)
    net = model[-1]
    recorded = {k: v for k, v in params.items() if k not in ("early_stopping", "patience")}
    if settings["early_stopping"] and net.best_epoch_ is not None:
        recorded["epochs"] = int(net.best_epoch_)
    trial.set_user_attr("params", recorded)
    trial.set_user_attr("max_epochs", int(settings.get("epochs", TorchMLPClassifier().epochs)))
    trial.set_user_attr("stopped_epoch", int(net.stopped_epoch_))
    return task.score(model, X_tune, y_tune, metric)


def tune_family(
    family,
    X_train,
    y_train,
    X_tune,
    y_tune,
    n_trials,
    seed,
    storage=None,
    study_name=None,
    fixed=None,
    device=None,
    metric=None,
):
    """Search one family's space, maximising the tune-split score, until n_trials are finished.

    Trials already finished in a stored study count towards the budget, so an interrupted search
    resumes where it stopped; trial i draws from a TPE sampler seeded with (seed, i), so the
    resumed search is the same as an uninterrupted one. Returns the best params and every trial.
    """
    _check_family(family)
    n_trials = check_budget(n_trials)
    opened_here = isinstance(storage, str)
    if opened_here:
        storage = open_storage(storage)
    name = study_name or study_name_for(family)
    study = open_study(storage, name, family, fixed, _data_key(X_train, y_train, X_tune, y_tune, metric), seed)
    _fail_abandoned(study)
    objective = make_objective(family, X_train, y_train, X_tune, y_tune, seed, fixed, device, metric)
    progress = TrialProgress(family, n_trials, len(_finished(study)))
    with _quiet_optuna():
        while (done := len(_finished(study))) < n_trials:
            study.sampler = optuna.samplers.TPESampler(seed=_trial_seed(seed, done))
            study.optimize(objective, n_trials=1)
            progress.step(study)
    progress.close()
    result = study_result(family, study, n_trials)
    if opened_here:
        _close(storage)
    return result


def _close(storage):
    """Close an RDB storage's database connections."""
    engine = getattr(storage, "engine", None)
    if engine is not None:
        engine.dispose()


@dataclass
class TuningOutcome:
    """Results per family (deterministic, for the artifact) and wall times (not, kept apart)."""

    results: dict
    seconds: dict = field(default_factory=dict)
    workers: int = 1


def tune_families(
    families,
    X_train,
    y_train,
    X_tune,
    y_tune,
    n_trials,
    seed,
    storage=None,
    fixed=None,
    workers=1,
    device=None,
    metric=None,
):
    """Tune every family with the same budget, seed and splits; families run side by side.

    With workers > 1 the families are shared out between this process and workers - 1 helper
    processes; each study still runs one trial at a time with its own seeded sampler, so the
    results do not depend on the number of workers. With a storage URL each family is its own
    study, named study_name_for(family).
    """
    families = list(families)
    for family in families:
        _check_family(family)
    fixed = dict(fixed or {})
    check_fixed(fixed, where="fixed params")
    n_trials = check_budget(n_trials)
    if NETWORK in families and device is not None:
        pick_device(device)  # so is a device this machine lacks
    if storage is not None:
        _close(open_storage(storage))  # a bad URL is one sentence before any work starts
    jobs = {
        family: (family, X_train, y_train, X_tune, y_tune, n_trials, seed, storage, fixed.get(family), device, metric)
        for family in families
    }
    workers = max(1, min(int(workers), len(families)))
    if workers == 1:
        timed = {family: _timed_family(*job) for family, job in jobs.items()}
    else:
        timed = _tune_in_processes(jobs, workers)
        timed = {family: timed[family] for family in families}
    return TuningOutcome(
        results={family: result for family, (result, _) in timed.items()},
        seconds={family: seconds for family, (_, seconds) in timed.items()},
        workers=workers,
    )


def tune_all(
    families,
    X_train,
    y_train,
    X_tune,
    y_tune,
    n_trials,
    seed,
    storage=None,
    fixed=None,
    workers=1,
    device=None,
):
    """Tune every family with the same number of trials, seed and splits; returns results only.

    `fixed` maps a family to params held constant (e.g. {"network": {"epochs": 60}}); families
    not tuned are ignored. With a storage URL each family is its own study, named after it.
    """
    return tune_families(
        families, X_train, y_train, X_tune, y_tune, n_trials, seed, storage=storage, fixed=fixed, workers=workers,
        device=device,
    ).results


def tune_shared(storage_url, study_name, family, n_trials, X_train, y_train, X_tune, y_tune, seed, fixed=None,
                prune=True, slot=None, device=None, metric=None):
    """One worker's share of a study many processes or machines work on at once.

    Runs exactly n_trials trials against the shared storage (Optuna's RDB or journal storage does
    the coordination); the sampler is seeded per worker, so workers do not propose the same points.
    With a `slot` (a Slurm array task) the n_trials include those the slot finished before, so a
    resubmitted array completes what a killed one left. Returns this worker's trial numbers and
    the study's best result so far.
    """
    from .slurm import claim_slot, tagged

    _check_family(family)
    n_trials = check_budget(n_trials, where="--n-trials")
    if family == NETWORK and device is not None:
        pick_device(device)  # a device this machine lacks is one sentence before any trial starts
    _init_worker()  # one thread per worker: several workers on one machine must not fight over cores
    storage = open_storage(storage_url, shared=True)
    study = open_study(storage, study_name, family, fixed, _data_key(X_train, y_train, X_tune, y_tune, metric), seed,
                       prune)
    study.sampler = optuna.samplers.TPESampler(seed=_trial_seed(seed, os.getpid()))
    if slot is not None:
        n_trials = claim_slot(study, int(slot), n_trials)
    objective = tagged(make_objective(family, X_train, y_train, X_tune, y_tune, seed, fixed, device, metric), slot)
    mine = []
    with _quiet_optuna():
        if n_trials:
            progress = TrialProgress(family, n_trials)
            study.optimize(objective, n_trials=n_trials, callbacks=[lambda _, trial: mine.append(trial.number),
                                                                    lambda study, _: progress.step(study, len(mine))])
            progress.close()
    result = study_result(family, study, None)
    return {"study": study_name, "family": family, "worker_trials": mine, **result}


def fixed_params(cfg, root=None):
    """Hyperparameters held constant per family: lab.yaml's tuning.fixed, plus the profile's epochs
    as the network's ceiling (early stopping picks the epoch within it).

    For sequences the network also gets its alphabet size and, for transfer learning, the
    pretrained weights (a path relative to the project folder `root`) with the filter shape they fix.
    """
    fixed = {family: dict(params) for family, params in cfg.tuning.fixed.items()}
    network = fixed.setdefault(NETWORK, {})
    network.setdefault("epochs", cfg.budget.epochs)
    network.update(loss_setting(cfg))  # regression: the head's loss (mse | huber); nothing for classes
    if cfg.modality == "sequence":
        from .sequences import coding_letters

        network["n_letters"] = len(coding_letters(cfg.sequence.alphabet))
        network.setdefault("both_strands", both_strands(cfg))
        if cfg.sequence.pretrained_weights:  # transfer learning: the loaded filters fix their own shape
            start = starting_params(cfg, root or ".")
            network.update({name: start[name] for name in ("pretrained", "freeze_conv", "channels", "kernel_size")})
    if cfg.modality == "image":  # augmentation and a local pretrained ResNet hold for every trial
        start = starting_params(cfg, root or ".")
        network.update({name: start[name] for name in ("augment", "pretrained", "freeze_pretrained") if name in start})
    return fixed


def check_budget(n_trials, where="the tuning budget (n_trials in lab.yaml's profiles)"):
    """A whole number of trials of at least 1, or a LabError saying where to fix it."""
    if isinstance(n_trials, bool) or not isinstance(n_trials, int | np.integer) or int(n_trials) < 1:
        raise LabError(f"{where} must be a whole number of at least 1 trial, not {n_trials!r}; raise it.")
    return int(n_trials)


AUTO_MIN_TRIALS = 10  # below this many trials per family, starting helper processes costs more than it saves


def default_workers(setting="auto", n_trials=None):
    """Processes for tuning families side by side: the setting, or for "auto" one per CPU core —
    but just this one when each family has fewer than AUTO_MIN_TRIALS trials (a quick run)."""
    if setting not in (None, "auto"):
        return max(1, int(setting))
    if n_trials is not None and int(n_trials) < AUTO_MIN_TRIALS:
        return 1
    return max(1, os.cpu_count() or 1)


# results ----------------------------------------------------------------------------------------
def study_result(family, study, n_trials=None):
    """Best params and score, the spread of the scores, and every finished trial of a study.

    Pruned network trials count towards the budget (`n_trials`) and are listed under `pruned`;
    `trials` holds the completed ones, whose scores the spread describes.
    """
    finished = sorted(_finished(study), key=lambda t: t.number)[: n_trials or None]
    complete = [t for t in finished if t.state == optuna.trial.TrialState.COMPLETE]
    if not complete:
        raise LabError(
            f"every tuning trial of '{family}' was pruned or failed; raise the budget in lab.yaml's profiles."
        )
    trials = [_trial_record(t) for t in complete]
    best = max(complete, key=lambda t: (t.value, -t.number))
    return {
        "family": family,
        "best_params": best.user_attrs["params"],
        "best_score": best.value,
        "best_trial": best.number,
        "n_trials": len(finished),
        "n_complete": len(complete),
        "n_pruned": len(finished) - len(complete),
        "spread": score_spread([t.value for t in complete]),
        "trials": trials,
        "pruned": [_trial_record(t) for t in finished if t.state == optuna.trial.TrialState.PRUNED],
    }


def score_spread(scores, top=3):
    """How much the tune score moved across trials: std and quartiles of all, mean and std of the top ones.

    A best score that sits within the spread of the others is not a clear win.
    """
    values = np.sort(np.asarray(scores, dtype=float))[::-1]
    best = values[: min(top, len(values))]
    return {
        "std": float(np.std(values)),
        "q1": float(np.quantile(values, 0.25)),
        "median": float(np.median(values)),
        "q3": float(np.quantile(values, 0.75)),
        "top_k": len(best),
        "top_k_mean": float(np.mean(best)),
        "top_k_std": float(np.std(best)),
    }


def best_family(results):
    """Family with the highest best tune score; ties go to the simpler, earlier-listed family.

    Tip 2: a network must beat the classical models outright, not merely match them.
    """
    if not results:
        raise LabError("there are no tuning results to choose from; run notebook 04 first.")
    order = {family: rank for rank, family in enumerate(TUNABLE)}
    return max(results, key=lambda f: (results[f]["best_score"], -order.get(f, len(order))))


def tuning_table(results):
    """One row per family: trials spent, best tune score and its spread, best first.

    Puts the equal budget in plain view next to the scores it bought (Tip 2).
    """
    rows = []
    for r in results.values():
        spread = r.get("spread", {})
        rows.append({
            "family": r["family"], "n_trials": r["n_trials"], "n_pruned": r.get("n_pruned", 0),
            "best_score": r["best_score"], "top_k_std": spread.get("top_k_std"), "score_std": spread.get("std"),
        })
    table = pd.DataFrame(rows, columns=["family", "n_trials", "n_pruned", "best_score", "top_k_std", "score_std"])
    ordered = table.sort_values(["best_score", "family"], ascending=[False, True], kind="mergesort")
    return ordered.reset_index(drop=True)


def timings_record(outcome):
    """Wall times of a tuning call and the processes used: for a file outside artifacts/ (they vary)."""
    return {
        "workers": outcome.workers,
        "cpu_count": os.cpu_count(),
        "seconds_per_family": outcome.seconds,
        "seconds_sum": sum(outcome.seconds.values()),
    }


# helpers ----------------------------------------------------------------------------------------
def _check_family(family):
    if family not in SEARCH_SPACES:
        raise LabError(f"no search space for model family '{family}'; choose one of {', '.join(TUNABLE)}.")


def _finished(study):
    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    return study.get_trials(deepcopy=False, states=states)


def _fail_abandoned(study):
    """Mark trials left running by an interrupted search as failed; they are redrawn."""
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        with _quiet_optuna(), contextlib.suppress(Exception):
            study.tell(trial.number, state=optuna.trial.TrialState.FAIL)


def _trial_seed(seed, index):
    return (int(seed) * 1_000_003 + int(index)) % (2**32)


def _trial_record(trial):
    record = {"number": trial.number, "params": trial.user_attrs.get("params", trial.params), "score": trial.value}
    for key in ("max_epochs", "stopped_epoch", "device"):
        if key in trial.user_attrs:
            record[key] = trial.user_attrs[key]
    return record


def _timed_family(*job):
    start = time.perf_counter()
    result = tune_family(*job[:7], storage=job[7], fixed=job[8], device=job[9], metric=job[10])
    return result, round(time.perf_counter() - start, 3)


def _tune_in_processes(jobs, workers):
    """Tune families in `workers` processes: this one plus workers - 1 helpers, all taking the
    next family (costliest first) from one queue, so this process works while the helpers start."""
    context = _pool_context()
    tasks, done = context.Queue(), context.Queue()
    for family in sorted(jobs, key=_COSTLIEST_FIRST.index):
        tasks.put(family)
    for _ in range(workers):
        tasks.put(None)  # one stop sign per process
    helpers = [context.Process(target=_take_families, args=(tasks, done, jobs), daemon=True)
               for _ in range(workers - 1)]
    for helper in helpers:
        helper.start()
    try:
        timed = {}
        _take_families(tasks, timed, jobs, parent=True)
        while len(timed) < len(jobs):
            with contextlib.suppress(queue.Empty):
                family, outcome = done.get(timeout=1.0)
                if isinstance(outcome, BaseException):
                    raise outcome
                timed[family] = outcome
                continue
            if not any(helper.is_alive() for helper in helpers) and done.empty():
                raise LabError("a tuning process stopped unexpectedly; rerun notebook 04 to resume the search.")
        return timed
    finally:
        for helper in helpers:
            if helper.is_alive():
                helper.terminate()
            helper.join()


def _take_families(tasks, done, jobs, parent=False):
    """Tune families from the queue until the stop sign; results go to `done` (a dict or a queue)."""
    if not parent:
        _init_worker()
    while (family := tasks.get()) is not None:
        try:
            outcome = _timed_family(*jobs[family])
        except BaseException as error:  # handed to the parent, which raises it
            if parent:
                raise
            done.put((family, error))
            return
        if parent:
            done[family] = outcome
        else:
            done.put((family, outcome))


def _pool_context():
    """A fresh-process pool context: forkserver (modules imported once, then forked) where available."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _init_worker():
    """Each tuning process: one thread and deterministic kernels, as in the parent."""
    import torch

    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # before any CUDA kernel: deterministic cuBLAS
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def _jsonable(value):
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def _first_line(error):
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return mask_url(text[0] if text else type(error).__name__).rstrip(".")


@contextlib.contextmanager
def _quiet_optuna():
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)
