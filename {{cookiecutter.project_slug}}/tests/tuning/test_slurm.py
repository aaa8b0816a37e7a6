"""`tune --slurm`: the array's batch script, its submission, and each array task's slot of trials."""

import subprocess

import optuna
import pytest

from {{ cookiecutter.module_name }}_engine.cli.commands import main
from {{ cookiecutter.module_name }}_engine.common.errors import LabError
from {{ cookiecutter.module_name }}_engine.tuning.slurm import (
    check_cluster_storage,
    claim_slot,
    slot_trials,
    submit,
    tagged,
    write_script,
)
from {{ cookiecutter.module_name }}_engine.tuning.studies import open_storage


def _fake_sbatch(folder, body):
    """An `sbatch` on the PATH that records its arguments and does what `body` says."""
    folder.mkdir(exist_ok=True)
    script = folder / "sbatch"
    script.write_text(f'#!/bin/sh\necho "$@" > {folder}/args\n{body}\n')
    script.chmod(0o755)
    return folder


def test_a_slot_tops_up_its_own_trials_and_fails_the_one_a_killed_task_left(tmp_path):
    study = optuna.create_study(storage=open_storage(f"journal://{tmp_path / 's.log'}"), study_name="s")
    study.optimize(tagged(lambda t: t.suggest_float("x", 0, 1), slot=0), n_trials=2)
    study.optimize(tagged(lambda t: t.suggest_float("x", 0, 1), slot=1), n_trials=1)
    killed = study.ask()  # a task killed mid-trial leaves its trial running
    killed.set_user_attr("slot", 0)
    assert claim_slot(study, 0, 5) == 3
    assert study.trials[killed.number].state == optuna.trial.TrialState.FAIL
    assert claim_slot(study, 1, 5) == 4 and claim_slot(study, 0, 2) == 0
    assert [t.number for t in slot_trials(study, 0, (optuna.trial.TrialState.COMPLETE,))] == [0, 1]
    assert study.trials[0].user_attrs["worker"]["pid"] > 0


def test_the_batch_script_is_an_array_of_slot_workers(tmp_path):
    script = write_script(tmp_path, "04_tuning-network", 3, ["tune", "--study", "a b"], ["--partition=short"],
                          module="lab", python="/venv/bin/python")
    text = script.read_text()
    assert script == tmp_path / "slurm" / "tune-04_tuning-network.sbatch"
    assert "#SBATCH --array=0-2\n" in text and "#SBATCH --partition=short\n" in text
    assert f"#SBATCH --chdir={tmp_path.resolve()}\n" in text and (tmp_path / "slurm/logs").is_dir()
    assert "CUBLAS_WORKSPACE_CONFIG=:4096:8" in text
    assert text.rstrip().endswith("exec /venv/bin/python -m lab tune --study 'a b' --slot \"$SLURM_ARRAY_TASK_ID\"")
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0


def test_submission_returns_the_job_id(tmp_path, monkeypatch):
    bin_dir = _fake_sbatch(tmp_path / "bin", 'echo "4242;cluster"')
    monkeypatch.setenv("PATH", str(bin_dir))
    assert submit(tmp_path / "x.sbatch") == "4242"
    assert (bin_dir / "args").read_text().split() == ["--parsable", str(tmp_path / "x.sbatch")]


def test_without_sbatch_on_the_path_submission_is_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LabError, match="--slurm needs Slurm's sbatch command, which is not on the PATH here"):
        submit(tmp_path / "x.sbatch")


def test_a_refused_submission_passes_the_schedulers_message_on(tmp_path, monkeypatch):
    refusal = ("echo 'sbatch: error: invalid partition specified: gpu' >&2; "
               "echo 'sbatch: error: Batch job submission failed: Invalid partition name specified' >&2; exit 1")
    monkeypatch.setenv("PATH", str(_fake_sbatch(tmp_path / "bin", refusal)))
    with pytest.raises(LabError) as error:
        submit(tmp_path / "x.sbatch")
    assert str(error.value).startswith(f"Slurm refused the job array {tmp_path / 'x.sbatch'} (invalid partition "
                                       "specified: gpu; Batch job submission failed: Invalid partition name specified)")


def test_a_cluster_study_needs_a_storage_every_node_reaches():
    check_cluster_storage("journal:///shared/s.log")
    check_cluster_storage("postgresql://u@h/db")
    with pytest.raises(LabError, match="--slurm needs a storage every node can reach, not sqlite://"):
        check_cluster_storage("sqlite:///tuning.sqlite3")


def test_tune_slurm_checks_the_study_then_submits_the_array(project, tmp_path, monkeypatch, capsys):
    config = str(project / "lab.yaml")
    bin_dir = _fake_sbatch(tmp_path / "bin", 'echo 99')
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    journal = f"journal://{tmp_path / 'study.log'}"
    args = ["--config", config, "tune", "--storage", journal, "--study", "nb", "--family", "naive_bayes",
            "--n-trials", "4", "--slurm", "2", "--sbatch-option=--time=00:10:00"]
    assert main(args) == 2
    assert "no split is recorded in data/splits/ yet" in capsys.readouterr().err
    assert main(["--config", config, "split", "--new"]) == 0
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "submitted Slurm job 99: 2 array task(s) of 4 naive_bayes trial(s) each on study 'nb'" in out
    script = (bin_dir / "args").read_text().split()[-1]
    text = open(script).read()
    assert "#SBATCH --array=0-1" in text and "#SBATCH --time=00:10:00" in text
    assert f"--storage {journal} --study nb --family naive_bayes --n-trials 4 --json" in text
    study = optuna.load_study(study_name="nb", storage=open_storage(journal))
    assert study.user_attrs["family"] == "naive_bayes" and len(study.user_attrs["data_sha256"]) == 16
    assert main([*args[:-5], "--n-trials", "1", "--slurm", "0"]) == 2
    assert "--slurm must be at least 1 array task" in capsys.readouterr().err
