"""Tuning on a Slurm cluster for real: `tune --slurm` array tasks share one Optuna journal.

The fixture starts a throwaway single-node Slurm cluster (Debian's `slurmctld`, `slurmd` and
`slurm-client`, installed by `make system`): both daemons in the foreground on 127.0.0.1, on free
ports, with a generated slurm.conf and state folders in a temporary folder, no munge (auth/none);
they are stopped and the folder deleted afterwards. slurmd launches jobs, so the tests run as root
(as CI does); elsewhere they skip, saying so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import optuna
import pytest
from conftest import DEFAULT_MODULE, TEMPLATE_DIR

pytestmark = pytest.mark.slow

JOB_TIMEOUT = 300  # seconds for one array job to finish
SLURM_CONF = """\
ClusterName=biodltest
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _slurm(env, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def slurm_env():
    """Environment whose SLURM_CONF points at a running single-node cluster; stopped after the module."""
    if os.geteuid() != 0:
        pytest.skip("slurmd launches jobs as root; run these tests as root (CI does)")
    daemons = [shutil.which(name, path="/usr/sbin:/usr/bin:" + os.environ.get("PATH", ""))
               for name in ("slurmctld", "slurmd", "sbatch")]
    if not all(daemons):
        raise RuntimeError("Slurm not found; run `make system` (Debian packages slurmctld slurmd slurm-client)")
    root = Path(tempfile.mkdtemp(prefix="biodl-slurm-", dir="/tmp"))
    for folder in ("state", "spool"):
        (root / folder).mkdir()
    host = socket.gethostname().split(".")[0]
    conf = root / "slurm.conf"
    conf.write_text(SLURM_CONF.format(host=host, root=root, ctld_port=_free_port(), slurmd_port=_free_port(),
                                      cpus=os.cpu_count() or 1))
    env = {**os.environ, "SLURM_CONF": str(conf)}
    logs = [open(root / f"{name}.out", "w") for name in ("slurmctld", "slurmd")]  # noqa: SIM115
    ctld = subprocess.Popen([daemons[0], "-D", "-c"], env=env, stdout=logs[0], stderr=subprocess.STDOUT)
    slurmd = subprocess.Popen([daemons[1], "-D", "-N", host], env=env, stdout=logs[1], stderr=subprocess.STDOUT)
    try:
        _wait_for_idle_node(env, root)
        yield env
    finally:
        _slurm(env, "scancel", "--full", "--partition=debug")
        for daemon in (slurmd, ctld):
            daemon.terminate()
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        for log in logs:
            log.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_idle_node(env, root: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _slurm(env, "sinfo", "-h", "-o", "%T").stdout.strip()
        if state == "idle":
            return
        time.sleep(0.5)
    logs = "".join((root / f"{name}.out").read_text()[-2000:] for name in ("slurmctld", "slurmd"))
    raise RuntimeError(f"the test cluster's node never became idle (state {state!r}):\n{logs}")


def _wait_for_job(env, job: str, timeout: float = JOB_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _slurm(env, "squeue", "-h", "-j", job).stdout.strip():
            return
        time.sleep(1)
    raise AssertionError(f"Slurm job {job} still queued or running after {timeout} s")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A baked project with its split recorded (array tasks tune on the project's recorded split)."""
    from cookiecutter.main import cookiecutter

    out = tmp_path_factory.mktemp("slurm")
    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(out)))
    assert _module(project, os.environ, "split", "--new").returncode == 0
    return project


def _module(project: Path, env, *args: str) -> subprocess.CompletedProcess:
    env = {**env, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", DEFAULT_MODULE, *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def _submit(project: Path, env, journal: Path, study: str, workers: int, trials: int, *extra: str) -> str:
    result = _module(project, env, "tune", "--slurm", str(workers), "--storage", f"journal://{journal}",
                     "--study", study, "--n-trials", str(trials), *extra)
    assert result.returncode == 0, result.stderr
    return re.search(r"submitted Slurm job (\d+)", result.stdout).group(1)


def _study(journal: Path, name: str) -> optuna.Study:
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(journal)))
    return optuna.load_study(study_name=name, storage=storage)


def test_two_array_tasks_share_one_journal_without_losing_or_repeating_a_trial(project, slurm_env, tmp_path):
    journal = tmp_path / "study.log"
    job = _submit(project, slurm_env, journal, "net", 2, 3, "-p", "profiles.quick.epochs=15")
    _wait_for_job(slurm_env, job)
    study = _study(journal, "net")
    finished = [t for t in study.trials if t.state.is_finished()]
    assert len(study.trials) == len(finished) == 6
    assert sorted(t.number for t in study.trials) == list(range(6))
    slots = sorted(t.user_attrs["slot"] for t in study.trials)
    assert slots == [0, 0, 0, 1, 1, 1]
    assert {t.user_attrs["worker"]["slurm_job"] for t in study.trials} == {f"{job}_0", f"{job}_1"}
    logs = sorted((project / "slurm/logs").glob(f"tune-net-{job}_*.out"))
    results = [json.loads(log.read_text().strip().splitlines()[-1]) for log in logs]
    assert len(results) == 2 and sorted(len(r["worker_trials"]) for r in results) == [3, 3]
    best = max(t.value for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE)
    assert study.best_value == best == max(r["best_score"] for r in results)
    assert study.user_attrs["family"] == "network" and len(study.user_attrs["data_sha256"]) == 16


def test_a_task_killed_mid_trial_leaves_the_study_usable_and_a_resubmission_finishes_it(
    project, slurm_env, tmp_path
):
    journal = tmp_path / "killed.log"
    slow = ["-p", "profiles.quick.epochs=800", "-p", "tuning.fixed={network: {patience: 100000, hidden: [16]}}",
            "--no-prune"]
    job = _submit(project, slurm_env, journal, "killed", 1, 2, *slow)
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:  # wait until the task is inside its first trial
        if journal.exists() and journal.stat().st_size and any(
            t.state == optuna.trial.TrialState.RUNNING for t in _study(journal, "killed").trials
        ):
            break
        time.sleep(0.2)
    assert _slurm(slurm_env, "scancel", job).returncode == 0
    _wait_for_job(slurm_env, job)
    left = _study(journal, "killed").trials
    assert [t.state for t in left] == [optuna.trial.TrialState.RUNNING]  # killed mid-trial

    again = _submit(project, slurm_env, journal, "killed", 1, 2, *slow)
    _wait_for_job(slurm_env, again)
    study = _study(journal, "killed")
    states = [t.state for t in sorted(study.trials, key=lambda t: t.number)]
    assert states == [optuna.trial.TrialState.FAIL, optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.COMPLETE]
    assert study.best_trial.number in (1, 2) and study.best_value > 0.5


def test_a_submission_the_scheduler_refuses_passes_its_message_on(project, slurm_env, tmp_path):
    result = _module(project, slurm_env, "tune", "--slurm", "2", "--storage", f"journal://{tmp_path / 's.log'}",
                     "--study", "refused", "--n-trials", "1", "--sbatch-option=--partition=nowhere")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: Slurm refused the job array ")
    assert "invalid partition specified: nowhere" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
