"""Whether a run is still alive, and a Ctrl-C that always stops one.

A running `run` records its process id and host in `run.json` and touches `<run>/heartbeat`
every few seconds. A run marked "running" whose process is gone (or whose heartbeat is stale,
e.g. on another machine) died — killed, or the machine went down — and the next `run`, `check`
or `report` says so and marks it interrupted, with the `--from` that resumes it.

The first Ctrl-C stops the running notebook within seconds (its kernel is stopped if the
notebook does not end by itself); a second Ctrl-C stops the runner at once. Either way the
notebook and the run are marked "interrupted" in `run.json`.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..common.files import read_json, write_json

HEARTBEAT = "heartbeat"
BEAT_SECONDS = 5.0
STALE_SECONDS = 120.0  # no heartbeat for this long: the run is dead
KERNEL_GRACE = 3.0  # seconds a notebook gets to stop by itself after Ctrl-C


def owner() -> dict:
    """What `run.json` records about the process that runs it."""
    return {"pid": os.getpid(), "host": socket.gethostname()}


class Heartbeat:
    """Touch `<run>/heartbeat` every few seconds from a daemon thread while a run is going."""

    def __init__(self, run_dir: Path, every: float = BEAT_SECONDS):
        self.path = run_dir / HEARTBEAT
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="run-heartbeat")

    def _beat(self) -> None:
        while not self._stop.is_set():
            try:
                self.path.touch()
            except OSError:
                pass
            self._stop.wait(self.every)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def is_dead(run_dir: Path, manifest: dict, now: float | None = None) -> bool:
    """True when run.json says "running" but the process that ran it is gone or silent."""
    if manifest.get("status") != "running":
        return False
    beat = run_dir / HEARTBEAT
    age = (now or time.time()) - beat.stat().st_mtime if beat.exists() else None
    pid, host = manifest.get("pid"), manifest.get("host")
    if isinstance(pid, int) and host == socket.gethostname():
        return not _process_alive(pid) or (age is not None and age > STALE_SECONDS)
    return age is None or age > STALE_SECONDS


def running_notebook(manifest: dict) -> str | None:
    """The notebook a run was in (the first not finished), as its NN prefix."""
    for stem, record in manifest.get("notebooks", {}).items():
        if record.get("status") in ("running", "interrupted", "failed", "pending"):
            return stem[:2]
    return None


def mark_dead(run_dir: Path, manifest: dict) -> str:
    """Record a dead run as interrupted in its run.json; return the NN to resume from."""
    for record in manifest.get("notebooks", {}).values():
        if record.get("status") == "running":
            record.update(status="interrupted", error="the run's process ended without finishing this notebook")
    manifest["status"] = "interrupted"
    write_json(run_dir / "run.json", manifest)
    (run_dir / HEARTBEAT).unlink(missing_ok=True)
    return running_notebook(manifest) or "00"


def dead_run_notice(run_dir: Path | None, root: Path, command: str) -> str | None:
    """If the newest run died, mark it interrupted and return one sentence saying how to resume it."""
    if run_dir is None or not (run_dir / "run.json").is_file():
        return None
    manifest = read_json(run_dir / "run.json")
    if not is_dead(run_dir, manifest):
        return None
    start = mark_dead(run_dir, manifest)
    where = os.path.relpath(run_dir, root)
    return (f"note: the run {where} was interrupted (its process {manifest.get('pid', '?')} is gone) in notebook "
            f"{start}; resume it with `{command} run --from {start}`")


def alive_elsewhere(run_dir: Path) -> int | None:
    """The pid of another live process running this run folder, or None."""
    path = run_dir / "run.json"
    if not path.is_file():
        return None
    manifest = read_json(path)
    if manifest.get("status") != "running" or is_dead(run_dir, manifest) or manifest.get("pid") == os.getpid():
        return None
    return manifest.get("pid")


class InterruptGuard:
    """Ctrl-C handling for the runner: first stops the notebook (within seconds), second stops everything.

    `on_force` is called on the second Ctrl-C (it records the interruption) before the process exits.
    """

    def __init__(self, on_force: Callable[[], None]):
        self.on_force = on_force
        self.count = 0
        self.kernel = None  # the KernelManager of the running notebook
        self._previous = None
        self._timer: threading.Timer | None = None

    def _kill_kernel(self) -> None:
        process = getattr(getattr(self.kernel, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def _handle(self, signum, frame) -> None:
        self.count += 1
        if self.count == 1:
            self._timer = threading.Timer(KERNEL_GRACE, self._kill_kernel)
            self._timer.daemon = True
            self._timer.start()
            raise KeyboardInterrupt
        try:
            self._kill_kernel()
            self.on_force()
        finally:
            os._exit(130)

    @property
    def interrupted(self) -> bool:
        return self.count > 0

    def __enter__(self) -> InterruptGuard:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
