"""Equal-budget hyperparameter search for every model family (Tips 2, 6).

Each family gets the same number of Optuna trials, the same seeded sampler and the same tune
split, so a network is never compared against baselines left at their defaults. Studies live
in a database (SQLite in the run folder by default), so an interrupted search resumes, and
many processes or machines can share one study (`<module> tune --storage postgresql://…`).
Search spaces are in search_spaces.py, study storage in studies.py, reading results in tuning_results.py.
"""

import contextlib
import math
import multiprocessing
import os
import queue
import time
from dataclasses import dataclass, field

import numpy as np

from ..common.errors import LabError
from ..common.lazy_imports import optuna, quiet_optuna
from ..common.progress import TrialProgress
from ..modalities.registry import modality_for
from ..models.fitting import fit_network
from ..models.nets import TorchMLPClassifier, pick_device
from ..tasks.registry import task_for, task_of
from .results import finished_trials, study_result
from .spaces import NETWORK, check_family, check_fixed, suggest_params
from .studies import REPORT_EVERY, open_storage, open_study, study_data_key, study_name_for

PATIENCE = 10  # epochs without a lower tune loss before a network trial stops early
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


# Families searched first when several processes share the work: the slowest ones.
_COSTLIEST_FIRST = ("random_forest", NETWORK, "svm", "k_nearest_neighbours", "logistic_regression", "ridge",
                    "naive_bayes")


# storage --------------------------------------------------------------------------------------


# one family -------------------------------------------------------------------------------------
def make_objective(family, X_train, y_train, X_tune, y_tune, seed, fixed=None, device=None, metric=None):
    """Optuna objective: fit the trial's model on training rows, return its tune-split score.

    The score is ROC-AUC for classes; for a numeric target (tasks.task_of) it is `metric` (R² by
    default; RMSE and MAE negated, so higher is always better).

    Network trials stop early on the tune loss, report tune scores every REPORT_EVERY epochs for
    the median pruner, and record `epochs` = the best epoch, so refitting the recorded params on
    the training rows rebuilds the same network.
    """
    check_family(family)
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
    check_family(family)
    n_trials = check_budget(n_trials)
    opened_here = isinstance(storage, str)
    if opened_here:
        storage = open_storage(storage)
    name = study_name or study_name_for(family)
    study = open_study(storage, name, family, fixed, study_data_key(X_train, y_train, X_tune, y_tune, metric), seed)
    _fail_abandoned(study)
    objective = make_objective(family, X_train, y_train, X_tune, y_tune, seed, fixed, device, metric)
    progress = TrialProgress(family, n_trials, len(finished_trials(study)))
    with quiet_optuna():
        while (done := len(finished_trials(study))) < n_trials:
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
        check_family(family)
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

    check_family(family)
    n_trials = check_budget(n_trials, where="--n-trials")
    if family == NETWORK and device is not None:
        pick_device(device)  # a device this machine lacks is one sentence before any trial starts
    _init_worker()  # one thread per worker: several workers on one machine must not fight over cores
    storage = open_storage(storage_url, shared=True)
    key = study_data_key(X_train, y_train, X_tune, y_tune, metric)
    study = open_study(storage, study_name, family, fixed, key, seed, prune)
    study.sampler = optuna.samplers.TPESampler(seed=_trial_seed(seed, os.getpid()))
    if slot is not None:
        n_trials = claim_slot(study, int(slot), n_trials)
    objective = tagged(make_objective(family, X_train, y_train, X_tune, y_tune, seed, fixed, device, metric), slot)
    mine = []
    with quiet_optuna():
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
    network.update(task_for(cfg).network_settings(cfg))  # the head's own settings (regression: its loss)
    modality_for(cfg).fix_tuning_params(cfg, root, network)  # e.g. the alphabet, augmentation, pretrained weights
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


# helpers ----------------------------------------------------------------------------------------


def _fail_abandoned(study):
    """Mark trials left running by an interrupted search as failed; they are redrawn."""
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        with quiet_optuna(), contextlib.suppress(Exception):
            study.tell(trial.number, state=optuna.trial.TrialState.FAIL)


def _trial_seed(seed, index):
    return (int(seed) * 1_000_003 + int(index)) % (2**32)


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

    from ..common.determinism import deterministic_algorithms

    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # before any CUDA kernel: deterministic cuBLAS
    torch.set_num_threads(1)
    deterministic_algorithms()


