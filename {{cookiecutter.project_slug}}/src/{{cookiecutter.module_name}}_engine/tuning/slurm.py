"""Tuning workers as a Slurm job array, all adding trials to one shared Optuna study.

`<module> tune --slurm N ...` writes `slurm/tune-<study>.sbatch` (an array of N tasks, each one
`<module> tune --slot $SLURM_ARRAY_TASK_ID ...` with the same arguments) and submits it with
sbatch. Each array task owns a slot: its --n-trials counts the trials that slot already finished,
and a trial its slot left running (a task killed mid-trial) is marked failed when the slot starts
again, so resubmitting the same file after a killed job finishes exactly the work that was left.
"""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import optuna

from ..common.errors import LabError
from ..common.names import COMMAND
from .storage import is_journal, worker_tag

SLOT_ATTR = "slot"
FINISHED = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
SCRIPT_FOLDER = "slurm"


# slots: one array task's share of a study -------------------------------------------------------
def slot_trials(study, slot, states):
    """Trials of `study` in these states that the worker in `slot` ran."""
    return [t for t in study.get_trials(deepcopy=False, states=states) if t.user_attrs.get(SLOT_ATTR) == slot]


def claim_slot(study, slot, n_trials):
    """Trials the worker in `slot` still owes: `n_trials` less those its slot finished before.

    A trial the slot left running belongs to a killed task (a slot runs one task at a time): it
    is marked failed, so it is neither counted nor mistaken for work in progress.
    """
    for trial in slot_trials(study, slot, (optuna.trial.TrialState.RUNNING,)):
        study.tell(trial.number, state=optuna.trial.TrialState.FAIL)
    return max(0, n_trials - len(slot_trials(study, slot, FINISHED)))


def tagged(objective, slot=None):
    """The objective, recording on each trial who ran it (and its slot), before any work starts."""

    def run(trial):
        trial.set_user_attr("worker", worker_tag())
        if slot is not None:
            trial.set_user_attr(SLOT_ATTR, int(slot))
        return objective(trial)

    return run


# the job array ---------------------------------------------------------------------------------
def check_cluster_storage(url):
    """A study that array tasks on several nodes share: a journal file or a PostgreSQL database."""
    if is_journal(url) or str(url).startswith(("postgresql", "postgres://")):
        return
    raise LabError(
        f"--slurm needs a storage every node can reach, not {url.split('://')[0]}://…; use "
        "--storage journal:///shared/folder/study.log (no server) or a postgresql:// URL."
    )


def script_path(root, study):
    """Where the array's batch script goes: slurm/tune-<study>.sbatch in the project folder."""
    return Path(root) / SCRIPT_FOLDER / f"tune-{re.sub(r'[^A-Za-z0-9_.-]+', '_', study)}.sbatch"


def write_script(root, study, workers, worker_args, options=(), module=None, python=None):
    """Write the batch script of an N-task array whose tasks run `tune --slot <task> <worker_args>`."""
    root = Path(root).resolve()
    module = module or COMMAND
    path = script_path(root, study)
    (root / SCRIPT_FOLDER / "logs").mkdir(parents=True, exist_ok=True)
    command = [python or sys.executable, "-m", module, *worker_args, "--slot", "$SLURM_ARRAY_TASK_ID"]
    lines = [
        "#!/bin/bash",
        f"#SBATCH --job-name={shlex.quote(path.stem)}",
        f"#SBATCH --array=0-{int(workers) - 1}",
        "#SBATCH --ntasks=1",
        "#SBATCH --cpus-per-task=1",
        f"#SBATCH --chdir={root}",
        f"#SBATCH --output={root / SCRIPT_FOLDER / 'logs'}/%x-%A_%a.out",
        *(f"#SBATCH {option}" for option in options),
        f"# Written by `{module} tune --slurm {workers}`. After a killed or timed-out job, submit this file again",
        "# (sbatch it, or rerun the same tune --slurm command): each task tops up its own slot's trials.",
        "set -euo pipefail",
        "export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 CUBLAS_WORKSPACE_CONFIG=:4096:8",
        'export PYTHONPATH="' + str(root / "src") + '${PYTHONPATH:+:$PYTHONPATH}"',
        "exec " + " ".join(shlex.quote(part) if part != "$SLURM_ARRAY_TASK_ID" else '"$SLURM_ARRAY_TASK_ID"'
                           for part in command),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def submit(script):
    """Submit a batch script with sbatch; the job id, or the scheduler's own refusal in one sentence."""
    sbatch = shutil.which("sbatch")
    if sbatch is None:
        raise LabError(
            "--slurm needs Slurm's sbatch command, which is not on the PATH here; run this on the cluster's "
            f"login node (or load its slurm module), or submit {script} there yourself."
        )
    result = subprocess.run([sbatch, "--parsable", str(script)], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        said = [re.sub(r"^sbatch: (error: )?", "", line).strip() for line in result.stderr.strip().splitlines()]
        reason = "; ".join(line for line in said if line) or f"exit status {result.returncode}"
        raise LabError(
            f"Slurm refused the job array {script} ({reason.rstrip('.')}); fix the option it names "
            "(lab.yaml's tuning.sbatch_options or --sbatch-option) and submit again."
        )
    return result.stdout.strip().split(";")[0]
