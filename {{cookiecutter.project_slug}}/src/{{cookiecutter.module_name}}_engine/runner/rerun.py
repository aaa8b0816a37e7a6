"""Rerunning part of an existing run: a completed run is copied first, a live one is left alone.

`run --only 07` or `run --from 03` on a completed run never changes it: the notebooks run again
in a copy (a new run folder whose run.json names the original under `derived_from`). A failed
or interrupted run is resumed in place. A run folder another process is running is refused.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ..common.errors import LabError
from ..common.files import read_json, write_json
from .liveness import alive_elsewhere

MANIFEST_NAME = "run.json"


def refuse_live_run(run_dir: Path, root: Path) -> None:
    """Two runners in one run folder would overwrite each other's notebooks; refuse the second."""
    pid = alive_elsewhere(run_dir)
    if pid is not None:
        where = os.path.relpath(run_dir, root)
        raise LabError(f"{where} is being run right now by process {pid}; wait for it to finish, or stop it "
                       "(Ctrl-C) and resume with --from")


def branch_completed(run_dir: Path, root: Path, make_dir: Callable[[], Path]) -> tuple[Path, str | None]:
    """The folder to rerun in: `run_dir` itself unless it completed, else a fresh copy made by `make_dir`."""
    if read_json(run_dir / MANIFEST_NAME).get("status") != "ok":
        return run_dir, None
    target = make_dir()
    shutil.copytree(run_dir, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.kernel.log", "heartbeat"))
    manifest = read_json(target / MANIFEST_NAME)
    manifest.update(run=target.name, derived_from=run_dir.name)
    write_json(target / MANIFEST_NAME, manifest)
    notice = (f"{os.path.relpath(run_dir, root)} is a completed run and is kept as it is; the notebooks run again "
              f"in a copy of it, {os.path.relpath(target, root)}")
    return target, notice
