"""Distributed tuning for real: two `tune` workers share one Optuna study on a PostgreSQL server.

The fixture starts a throwaway PostgreSQL 15 cluster (Debian's `postgresql` package, installed
by `make system`) in a temporary folder, listening on 127.0.0.1 only, on a free port; it is
stopped and deleted afterwards. PostgreSQL refuses to run as root, so its programs run as the
`postgres` system user (`runuser`) when the tests run as root.
"""

from __future__ import annotations

import json
import os
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

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "optuna"
TRIALS_PER_WORKER = 4


def _as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program, as the postgres user when we are root (it refuses to run as root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=False, **kwargs)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _check(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}): {result.stdout}\n{result.stderr}")


@pytest.fixture(scope="module")
def postgres_url():
    """URL of a fresh PostgreSQL database on 127.0.0.1; the server is stopped after the module."""
    if not (PG_BIN / "initdb").is_file():
        raise RuntimeError(f"PostgreSQL 15 not found in {PG_BIN}; run `make system` (Debian package postgresql)")
    # not under pytest's private (0700) folders: the postgres user must be able to enter it
    root = Path(tempfile.mkdtemp(prefix="biodl-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    _check(_as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
           "initdb")
    options = f"-h 127.0.0.1 -p {port} -k {root}"
    started = _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-o", options,
                           "-w", "-t", "60", "start")
    try:
        _check(started, "pg_ctl start")
        _check(_as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE),
               "createdb")
        yield f"postgresql://postgres@127.0.0.1:{port}/{DATABASE}"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    from cookiecutter.main import cookiecutter

    out = tmp_path_factory.mktemp("distributed")
    return Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(out)))


def _tune(project: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.Popen(
        [sys.executable, "-m", DEFAULT_MODULE, "tune", *args],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_two_workers_share_one_study_without_losing_or_repeating_a_trial(project, postgres_url):
    args = ["--storage", postgres_url, "--study", "shared-network", "--family", "network",
            "--n-trials", str(TRIALS_PER_WORKER), "-p", "profiles.quick.epochs=15", "--json"]
    started = time.perf_counter()
    workers = [_tune(project, *args) for _ in range(2)]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    mine = [set(result["worker_trials"]) for result in results]
    assert [len(numbers) for numbers in mine] == [TRIALS_PER_WORKER] * 2
    assert not mine[0] & mine[1]  # no trial run twice
    assert mine[0] | mine[1] == set(range(2 * TRIALS_PER_WORKER))  # no trial number lost

    # read the study directly; SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, we ship psycopg2
    reader = postgres_url.replace("postgresql://", "postgresql+psycopg2://")
    study = optuna.load_study(study_name="shared-network", storage=reader)
    finished = [t for t in study.trials if t.state.is_finished()]
    assert len(study.trials) == len(finished) == 2 * TRIALS_PER_WORKER
    assert sorted(t.number for t in study.trials) == list(range(2 * TRIALS_PER_WORKER))
    assert study.user_attrs["family"] == "network" and len(study.user_attrs["space_sha256"]) == 16
    best = study.best_trial
    assert best.value == max(r["best_score"] for r in results)
    assert best.user_attrs["params"]["epochs"] <= 15 and "lr" in best.user_attrs["params"]
    assert time.perf_counter() - started < 300


def test_a_worker_with_another_search_space_is_refused(project, postgres_url):
    args = ["--storage", postgres_url, "--study", "shared-network", "--family", "network", "--n-trials", "1",
            "-p", "profiles.quick.epochs=30"]
    worker = _tune(project, *args)
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 2
    assert err.startswith("error: study 'shared-network' already exists with another search space")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_unreachable_server_is_one_sentence_with_the_password_masked(project):
    port = _free_port()  # nothing listens there
    worker = _tune(project, "--storage", f"postgresql://lab:s3cret@127.0.0.1:{port}/{DATABASE}",
                   "--study", "s", "--n-trials", "1")
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 2 and out == ""
    assert err.startswith(f"error: cannot open the tuning storage postgresql://lab:***@127.0.0.1:{port}/{DATABASE}")
    assert "s3cret" not in err and "Traceback" not in err and "sqlalchemy" not in err.lower()
    assert err.count("\n") == 1
