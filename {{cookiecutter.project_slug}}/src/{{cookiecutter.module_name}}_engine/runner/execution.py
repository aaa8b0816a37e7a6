"""Execute the numbered notebooks in order with papermill, in one process, into a run folder.

Each notebook gets a fresh kernel (no state leaks between notebooks), but the next kernel is
started while the current notebook runs and the finished one is stopped at once, so the
per-notebook cost of kernels stays far below papermill's command line. The run manifest
records versions, parameters, input checksums and each notebook's status and duration.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from ..common.errors import LabError, NotebookFailed
from ..common.files import read_json, write_json
from ..common.lazy_imports import without_iri_grammars
from ..common.names import COMMAND
from ..common.progress import follow_progress, progress_file
from ..data.loading import load_dataset
from ..data.provenance import sha256_file, verify_inputs
from ..settings.config import Config, load_config, project_root
from ..splits.split import check_split_record, read_split_record
from .kernels import KERNEL, KERNEL_ENV, KernelPool, register_engine

RUNS = Path("reports") / "runs"
NOTEBOOKS = "notebooks"
MANIFEST_NAME = "run.json"
PACKAGES = (
    "numpy", "pandas", "scikit-learn", "torch", "optuna", "matplotlib",
    "papermill", "ipykernel", "nbclient", "jupyter_client", "pydantic", "PyYAML",
)  # fmt: skip


@dataclass
class Plan:
    """Which notebooks to run, into which folder, with which parameters."""

    root: Path
    config_path: Path
    cfg: Config
    overrides: dict[str, Any]
    run_dir: Path
    notebooks: list[Path]
    resumed: bool = False
    kernel: str = KERNEL
    command: str = field(default_factory=lambda: COMMAND)
    notices: list[str] = field(default_factory=list)  # warnings shown before the first notebook


def discover_notebooks(root: Path) -> list[Path]:
    """The numbered notebooks (`NN_name.ipynb`) in order."""
    found = sorted((root / NOTEBOOKS).glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise LabError(f"no numbered notebooks (NN_name.ipynb) found in {root / NOTEBOOKS}")
    return found


def select_notebooks(notebooks: list[Path], only: list[str] | None, start: str | None) -> list[Path]:
    """Apply `--only NN …` or `--from NN` to the ordered list."""
    prefixes = [nb.name[:2] for nb in notebooks]
    wanted = list(only or []) + ([start] if start else [])
    for key in wanted:
        if key.zfill(2)[:2] not in prefixes:
            raise LabError(f"there is no notebook numbered '{key}'; choose one of {', '.join(prefixes)}")
    if only:
        keys = {key.zfill(2)[:2] for key in only}
        return [nb for nb in notebooks if nb.name[:2] in keys]
    if start:
        return notebooks[prefixes.index(start.zfill(2)[:2]) :]
    return list(notebooks)


def new_run_dir(root: Path, profile: str, now: dt.datetime | None = None) -> Path:
    """A fresh, time-stamped folder under reports/runs/ (never reuses an existing one)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = root / RUNS / f"{stamp}-{profile}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    candidate.mkdir(parents=True)
    return candidate


def latest_run_dir(root: Path) -> Path | None:
    runs = sorted(p for p in (root / RUNS).glob("*") if (p / MANIFEST_NAME).is_file())
    return runs[-1] if runs else None


def plan_run(
    config_path: str | Path = "lab.yaml",
    overrides: dict[str, Any] | None = None,
    profile: str | None = None,
    only: list[str] | None = None,
    start: str | None = None,
    run_dir: str | Path | None = None,
) -> Plan:
    """Validate everything a run needs before any notebook starts."""
    overrides = dict(overrides or {})
    if profile:
        overrides["profile"] = profile
    config_path = Path(config_path).resolve()
    cfg = load_config(config_path, overrides)
    root = project_root(config_path)
    from . import preflight
    from .liveness import dead_run_notice
    from .rerun import branch_completed, refuse_live_run

    preflight.check_notebook_files(root, NOTEBOOKS)
    discovered = discover_notebooks(root)
    notebooks = select_notebooks(discovered, only, start)
    directory = Path(run_dir).resolve() if run_dir is not None else None
    notices = [notice for notice in [dead_run_notice(latest_run_dir(root), root, COMMAND)] if notice]
    if directory is None and (only or start):
        directory = latest_run_dir(root)
        preflight.check_resumable(notebooks, discovered, directory, COMMAND)
    resumed = directory is not None and (directory / MANIFEST_NAME).is_file()
    plan = Plan(root, config_path, cfg, overrides, directory, notebooks, resumed, notices=notices)
    hashes = verify_inputs(root, cfg.input_paths, plan.command)
    data = load_dataset(cfg, root)  # a missing column or a one-class target stops here, before any notebook
    preflight.check_class_sizes(cfg, data)
    preflight.check_homology(cfg, data)
    check_split_record(read_split_record(root, cfg), cfg, hashes, plan.command)
    from ..data.declared import check_declared_columns

    check_declared_columns(cfg, root)  # so does a subgroup or metadata column the data lack
    plan.notices += [n for n in [preflight.wide_table_notice(data), preflight.strata_notice(cfg, data)] if n]
    if resumed:
        check_same_parameters(plan)
        refuse_live_run(plan.run_dir, root)
    preflight.check_writable(root, cfg, plan.run_dir)
    if resumed:  # a completed run is never changed: part of it reruns in a copy
        plan.run_dir, notice = branch_completed(plan.run_dir, root, lambda: new_run_dir(root, cfg.profile))
        plan.notices += [notice] if notice else []
    if plan.run_dir is None:
        plan.run_dir = new_run_dir(root, cfg.profile)
    plan.run_dir.mkdir(parents=True, exist_ok=True)
    return plan


def check_same_parameters(plan: Plan) -> None:
    """Refuse to resume a run with other settings: its earlier notebooks would not match the later ones."""
    recorded = read_json(plan.run_dir / MANIFEST_NAME).get("parameters", {})
    current = plan.cfg.model_dump(mode="json")
    for settings in (recorded, current):  # a reason to reopen the test set is allowed to differ
        settings.pop("test_set", None)
    changed = sorted(key for key in current.keys() | recorded.keys() if current.get(key) != recorded.get(key))
    if changed:
        where = os.path.relpath(plan.run_dir, plan.root)
        raise LabError(
            f"{where} was run with other settings ({', '.join(changed)} differ from lab.yaml and the -p options "
            "given now); resume it with the same settings, or start a new run without --only/--from"
        )


# manifest ------------------------------------------------------------------------------
def git_state(root: Path) -> dict[str, Any] | None:
    """The project's git commit and whether the tree had uncommitted changes, if it is a repo."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def start_manifest(plan: Plan, process: dict | None = None) -> dict[str, Any]:
    """The run manifest: reuse the existing one when resuming, else a new one."""
    path = plan.run_dir / MANIFEST_NAME
    manifest = read_json(path) if plan.resumed and path.is_file() else {}
    inputs = {plan.cfg.data.path: sha256_file(plan.root / plan.cfg.data.path)}
    inputs[plan.config_path.name] = sha256_file(plan.config_path)
    for nb in discover_notebooks(plan.root):
        inputs[f"{NOTEBOOKS}/{nb.name}"] = sha256_file(nb)
    manifest.update(
        {
            "run": plan.run_dir.name,
            "status": "running",
            "profile": plan.cfg.profile,
            "parameters": plan.cfg.model_dump(mode="json"),
            "overrides": plan.overrides,
            "git": git_state(plan.root),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "packages": package_versions(),
            "inputs": inputs,
            **(process or {}),
        }
    )
    manifest.setdefault("created", dt.datetime.now().isoformat(timespec="seconds"))
    manifest.setdefault("notebooks", {nb.stem: {"status": "pending"} for nb in discover_notebooks(plan.root)})
    for nb in plan.notebooks:
        manifest["notebooks"][nb.stem] = {"status": "pending"}
    write_json(path, manifest)
    return manifest





# execution -----------------------------------------------------------------------------
def notebook_parameters(plan: Plan, notebook_dir: Path) -> dict[str, Any]:
    """What papermill injects under each `parameters` cell (paths relative to notebooks/)."""
    return {
        "run_dir": os.path.relpath(plan.run_dir, notebook_dir),
        "config": os.path.relpath(plan.config_path, notebook_dir),
        "profile": plan.cfg.profile,
        "overrides": {k: v for k, v in plan.overrides.items() if k != "profile"},
    }


def failure_message(nb: Path, output: Path, error: Exception, command: str, root: Path, saved: bool = True) -> str:
    cell = getattr(error, "exec_count", None)
    ename = getattr(error, "ename", type(error).__name__)
    evalue = str(getattr(error, "evalue", error)).strip().splitlines()
    reason = f"{ename}: {evalue[0]}" if evalue else ename
    where = f"at cell [{cell}]" if cell is not None else "while running"
    kept = (f"the partial notebook is saved at {os.path.relpath(output, root)} with the failing cell marked"
            if saved else "the partial notebook could not be saved")
    return f"notebook {nb.name} failed {where} with {reason} — {kept}; fix the cause, then resume with " \
        f"`{command} run --from {nb.name[:2]}`"


def _fmt(seconds: float) -> str:
    return f"{seconds:5.1f} s"


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the run; the message says which notebook to resume from."""


def execute(plan: Plan, echo: Callable[[str], None] = print, cell_progress: bool = False) -> dict:
    """Run the planned notebooks; raise NotebookFailed on the first failing cell, RunInterrupted on Ctrl-C."""
    from .liveness import Heartbeat, InterruptGuard

    state: dict[str, Any] = {}

    def mark_interrupted() -> None:
        manifest = state.get("manifest")
        if manifest is None:
            return
        for record in manifest["notebooks"].values():
            if record.get("status") == "running":
                record.update(status="interrupted", error="stopped by Ctrl-C")
        manifest["status"] = "interrupted"
        write_json(plan.run_dir / MANIFEST_NAME, manifest)

    with InterruptGuard(mark_interrupted) as guard, Heartbeat(plan.run_dir):
        try:
            return _execute(plan, echo, cell_progress, guard, state)
        except KeyboardInterrupt:
            mark_interrupted()
            current = state.get("current", plan.notebooks[0].name[:2])
            raise RunInterrupted(
                f"interrupted in notebook {current}; finished notebooks are kept in "
                f"{os.path.relpath(plan.run_dir, plan.root)} — resume with `{plan.command} run --from {current}`"
            ) from None


def _execute(plan: Plan, echo: Callable[[str], None], cell_progress: bool, guard, state: dict) -> dict:
    from ..common.files import keep_partial, out_of_space, space_message
    from .liveness import owner

    notebook_dir = plan.root / NOTEBOOKS
    started = time.perf_counter()
    pool = KernelPool(plan.kernel, notebook_dir, plan.run_dir / "logs")
    pool.prestart(plan.notebooks[0].stem)
    try:
        without_iri_grammars()
        import papermill
        from papermill.exceptions import PapermillExecutionError

        engine = register_engine()
        out_dir = plan.run_dir / NOTEBOOKS
        out_dir.mkdir(parents=True, exist_ok=True)
        manifest = state["manifest"] = start_manifest(plan, owner())
        manifest_path = plan.run_dir / MANIFEST_NAME
        parameters = notebook_parameters(plan, notebook_dir)
        total = len(plan.notebooks)
        echo(f"{plan.command} run · profile {plan.cfg.profile} · {os.path.relpath(plan.run_dir, plan.root)}")
        for i, nb in enumerate(plan.notebooks, start=1):
            output = out_dir / nb.name
            partial = out_dir / f".{nb.stem}.partial.ipynb"  # becomes `output` once complete (or failed)
            state["current"] = nb.name[:2]
            echo(f"[{i}/{total}] {nb.stem} …")
            t0 = time.perf_counter()
            km = guard.kernel = pool.take(nb.stem, plan.notebooks[i].stem if i < total else None)
            record = {"status": "running", "started": dt.datetime.now().isoformat(timespec="seconds")}
            manifest["notebooks"][nb.stem] = record
            write_json(manifest_path, manifest)
            try:
                with follow_progress(progress_file(pool.log_dir, nb.stem), echo):  # long cells' steps
                    papermill.execute_notebook(
                        str(nb),
                        str(partial),
                        parameters=parameters,
                        kernel_name=plan.kernel,
                        engine_name=engine,
                        cwd=str(notebook_dir),
                        km=km,
                        progress_bar=cell_progress,
                        log_output=False,
                        request_save_on_cell_execute=True,
                    )
            except (Exception, KeyboardInterrupt) as exc:  # a failing cell, a dead kernel, Ctrl-C, a full disk
                failed = not (isinstance(exc, KeyboardInterrupt) or guard.interrupted)
                detail = f"{exc.ename}: {exc.evalue}" if isinstance(exc, PapermillExecutionError) else repr(exc)
                record.update(status="failed" if failed else "interrupted", error=detail,
                              seconds=round(time.perf_counter() - t0, 2))
                manifest["status"] = record["status"]
                saved = keep_partial(partial, output)
                write_json(manifest_path, manifest)
                if not failed:
                    raise KeyboardInterrupt from None
                if out_of_space(exc):
                    raise LabError(space_message(output, exc)) from None
                raise NotebookFailed(failure_message(nb, output, exc, plan.command, plan.root, saved)) from None
            finally:
                pool.stop(km)
            keep_partial(partial, output)
            seconds = time.perf_counter() - t0
            record.update(status="ok", seconds=round(seconds, 2), output=f"{NOTEBOOKS}/{nb.name}")
            write_json(manifest_path, manifest)
            echo(f"[{i}/{total}] {nb.stem:<22} ok {_fmt(seconds)}   (elapsed {_fmt(time.perf_counter() - started)})")
    finally:
        pool.close()
    states = {entry["status"] for entry in manifest["notebooks"].values()}
    manifest["status"] = "ok" if states == {"ok"} else "partial"
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    manifest["device"] = device_record(plan)
    write_json(manifest_path, manifest)
    return manifest


def device_record(plan: Plan) -> dict:
    """Where the run's networks trained: lab.yaml's device, what notebook 03 picked for it, the devices
    of 04's network trials, and the kernels' deterministic-cuBLAS setting (read from artifacts, so the
    runner itself never imports torch)."""
    artifacts = plan.run_dir / "artifacts"
    checks = _read_or_empty(artifacts / "03_architecture.json").get("checks", {})
    tuned = _read_or_empty(artifacts / "04_tuning.json").get("results", {})
    trials = [t for r in tuned.values() for t in (*r.get("trials", []), *r.get("pruned", []))]
    return {
        "setting": plan.cfg.device,
        "picked": checks.get("device"),
        "deterministic_algorithms": checks.get("deterministic_algorithms"),
        "tuning_trials": sorted({t["device"] for t in trials if "device" in t}),
        "cublas_workspace_config": KERNEL_ENV["CUBLAS_WORKSPACE_CONFIG"],
    }


def _read_or_empty(path: Path) -> dict:
    try:
        return read_json(path)
    except (OSError, ValueError):
        return {}

