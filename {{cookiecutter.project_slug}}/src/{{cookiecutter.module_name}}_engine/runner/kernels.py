"""The kernels a run executes its notebooks on: started one notebook ahead, stopped at once, fixed hashing.

Papermill's own start-up costs seconds per notebook; a kernel started while the previous notebook
runs, and a papermill engine that runs on it, keep that cost out of the run.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..common.progress import PROGRESS_FILE, progress_file

KERNEL = "python3"


KERNEL_ENV = {
    "PYTHONHASHSEED": "0",  # stable set/dict-of-str ordering inside notebooks
    "CUBLAS_WORKSPACE_CONFIG": ":4096:8",  # deterministic cuBLAS where a GPU is used
}


def kernel_env() -> dict[str, str]:
    """The kernels' environment: ours, plus fixed hashing, with PYTHONPATH made absolute."""
    env = {**os.environ, **KERNEL_ENV}
    if env.get("PYTHONPATH"):
        parts = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) if p else p for p in parts)
    return env


class KernelPool:
    """Starts each notebook's kernel one notebook ahead, and stops finished ones at once."""

    def __init__(self, kernel_name: str, cwd: Path, log_dir: Path):
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.log_dir = log_dir
        self._next = None

    def _spawn(self, label: str):
        from jupyter_client.manager import KernelManager

        self.log_dir.mkdir(parents=True, exist_ok=True)
        km = KernelManager(kernel_name=self.kernel_name)
        env = {**kernel_env(), PROGRESS_FILE: str(progress_file(self.log_dir, label))}  # echoed by `run`
        with open(self.log_dir / f"{label}.kernel.log", "wb") as log:  # kernel chatter, not the terminal
            km.start_kernel(cwd=str(self.cwd), env=env, stdout=log, stderr=log)
        return km

    def prestart(self, label: str) -> None:
        """Start the first notebook's kernel early, so it boots while papermill is imported."""
        if self._next is None:
            self._next = self._spawn(label)

    def take(self, label: str, next_label: str | None):
        """A started kernel for this notebook; start the next notebook's kernel meanwhile."""
        km = self._next or self._spawn(label)
        self._next = self._spawn(next_label) if next_label else None
        return km

    @staticmethod
    def stop(km) -> None:
        """Kill the kernel right away: its outputs are already saved, so nothing is lost."""
        try:
            km.shutdown_kernel(now=True)
        except RuntimeError:
            pass
        km.cleanup_resources()

    def close(self) -> None:
        if self._next is not None:
            self.stop(self._next)
            self._next = None


def register_engine() -> str:
    """Register papermill's nbclient engine, variant that runs on a kernel started by us.

    Papermill leaves a kernel it did not start running (good: we stop it at once) but also
    leaves its client's channels open; this variant closes them when the notebook ends.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class PrestartedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man, kernel_name=kernel_name, log=logger, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file, startup_timeout=start_timeout,
                timeout=execution_timeout, **kwargs,
            )
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE, PrestartedKernelEngine)
    return ENGINE


ENGINE = "prestarted-kernel"
