"""Tuning throughput by storage: trials per minute with 1, 2 and 4 `tune` workers sharing one study.

Bakes a project with the template's defaults, then for each storage
  - SQLite in a run folder (`sqlite:///…/tuning.sqlite3`, rollback journal, as notebook 04 keeps it),
  - an Optuna journal file (`journal:///…/study.log`, what `tune --slurm` uses on network filesystems),
  - PostgreSQL (a throwaway server on 127.0.0.1, Debian's postgresql 15, as the distributed test starts it),
starts 1, 2 and 4 `<module> tune` processes together on a fresh study, sharing --trials trials between them.
Network family, equal work: the size is fixed (hidden [64, 64]), early stopping is off and workers run with
--no-prune, so every trial trains all --epochs epochs. Reported per cell: trials per minute over the search
span (first trial's start to last trial's end, leaving out each worker's start-up) and over the wall time.

The load average is printed before and after: on a machine with fewer free cores than workers, extra workers
share cores and cannot add throughput. Run from the template's root:
    .venv/bin/python benchmarks/bench_tuning.py [--trials 8] [--epochs 100] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_runner import bake, module_name, progress  # noqa: E402

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# storages --------------------------------------------------------------------------------------
def _as_postgres(*command: str) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=False)


@contextlib.contextmanager
def postgres_server():
    """URL of a fresh database on a throwaway server, or None when PostgreSQL is not installed."""
    if not (PG_BIN / "initdb").is_file():
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="bench-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = root / "data"
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o",
                 f"-h 127.0.0.1 -p {port} -k {root}", "-w", "-t", "60", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}", port
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def fresh_storage(kind: str, scratch: Path, label: str, server) -> str:
    """A new, empty storage of this kind for one measurement."""
    if kind == "sqlite":
        folder = scratch / f"run-{label}"
        folder.mkdir()
        return f"sqlite:///{folder / 'tuning.sqlite3'}"
    if kind == "journal":
        return f"journal://{scratch / f'{label}.log'}"
    base, port = server
    name = label.replace("-", "_")
    _as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", name)
    return f"{base}/{name}"


# measuring ---------------------------------------------------------------------------------------
def tune_command(module: str, storage: str, n_trials: int, epochs: int) -> list[str]:
    return [sys.executable, "-m", module, "tune", "--storage", storage, "--study", "bench", "--family", "network",
            "--n-trials", str(n_trials), "-p", f"profiles.quick.epochs={epochs}",
            "-p", "tuning.fixed={network: {hidden: [64, 64], patience: 100000}}", "--no-prune"]


def measure(project: Path, module: str, storage: str, workers: int, trials: int, epochs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"}
    shares = [trials // workers + (1 if i < trials % workers else 0) for i in range(workers)]
    start = time.perf_counter()
    running = [subprocess.Popen(tune_command(module, storage, share, epochs), cwd=project, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for share in shares]
    for process in running:
        _, err = process.communicate(timeout=3600)
        if process.returncode != 0:
            raise SystemExit(f"tune failed on {storage}: {err.strip()}")
    wall = time.perf_counter() - start
    return {"wall": wall, **study_span(project, module, storage)}


def study_span(project: Path, module: str, storage: str) -> dict:
    sys.path.insert(0, str(project / "src"))
    import importlib

    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    opened = importlib.import_module(f"{module}_engine.tuning.search").open_storage(storage)
    trials = optuna.load_study(study_name="bench", storage=opened).trials
    span = max(t.datetime_complete for t in trials) - min(t.datetime_start for t in trials)
    numbers = sorted(t.number for t in trials)
    return {"span": span.total_seconds(), "n": len(trials), "intact": numbers == list(range(len(trials)))}


def report(rows: dict, workers: list[int], trials: int, epochs: int) -> None:
    print(f"\nTrials per minute, network family, {trials} trials of {epochs} epochs (hidden [64, 64], no early "
          "stop, no pruning) shared by the workers;\nsearch span (wall time in brackets, start-up included)")
    header = "".join(f"{f'{n} worker' + ('s' if n > 1 else ''):>22}" for n in workers)
    print(f"   {'storage':<30}{header}")
    for name, cells in rows.items():
        line = ""
        for n in workers:
            cell = cells.get(n)
            if cell is None:
                line += f"{'n/a':>22}"
                continue
            flag = "" if cell["intact"] and cell["n"] == trials else " LOST"
            line += f"{60 * cell['n'] / cell['span']:>12.1f} ({60 * cell['n'] / cell['wall']:5.1f}){flag:>4}"
        print(f"   {name:<30}{line}")
    print("   Every study held exactly the trials asked for, numbered without gaps, unless marked LOST.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=8, help="trials per measurement, shared by the workers")
    parser.add_argument("--epochs", type=int, default=100, help="epochs per trial (default 100)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    print(f"load average before: {load()}; {os.cpu_count()} CPU(s)")
    names = {"sqlite": "SQLite in the run folder", "journal": "Optuna journal file", "postgresql": "PostgreSQL 15"}
    rows: dict[str, dict] = {name: {} for name in names.values()}
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as scratch, postgres_server() as server:
        progress("baking a project with the defaults")
        project = bake(Path(scratch) / "bake")
        module = module_name(project)
        for n in args.workers:  # storages interleaved, so a busy moment hits all of them alike
            for kind, name in names.items():
                if kind == "postgresql" and server is None:
                    continue
                storage = fresh_storage(kind, Path(scratch), f"{kind}-{n}", server)
                rows[name][n] = measure(project, module, storage, n, args.trials, args.epochs)
                progress(f"{name}, {n} worker(s): {rows[name][n]['wall']:.1f} s (load {load()})")
    report(rows, args.workers, args.trials, args.epochs)
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
