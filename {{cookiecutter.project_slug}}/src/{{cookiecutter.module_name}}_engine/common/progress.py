"""Progress of long work where a person watches it: the notebook and the `run` terminal log.

Long cells (tuning trials, refits, importance tables) write one plain line per finished step.
Under `run` each kernel is told (environment variable PROGRESS_FILE) to append them to
`logs/<notebook>.progress.log` in the run folder, which `run` echoes to the terminal while the
notebook runs (`follow_progress`); elsewhere (a `tune` worker, JupyterLab) they go to the
process's standard error. Inside a notebook a tqdm bar shows the same steps.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from pathlib import Path

MARK = "progress · "
FOLLOW_SECONDS = 0.5
ECHO_SECONDS = 5.0  # the terminal shows a step at most this often, and the last step of every task
_STEPS = re.compile(r": (\d+)/(\d+) done")
PROGRESS_FILE = "LAB_PROGRESS_FILE"  # set by the runner for each notebook's kernel


def progress_file(log_dir, label):
    """Where the kernel of notebook `label` appends its progress lines during a run."""
    return Path(log_dir) / f"{label}.progress.log"


def emit(line, log=None):
    """Write one progress line: to `log` if given, else to the run's progress file, else to stderr.

    The file is opened in append mode for each line, so tuning processes writing at once never
    overwrite each other's lines.
    """
    path = os.environ.get(PROGRESS_FILE)
    if log is None and path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return
    print(line, file=log or sys.__stderr__, flush=True)


def progress_line(what, done, total, elapsed, label="", best=None, resumed=0):
    """One line: what, steps done of total, the current best (if any), time so far and an ETA
    (from the pace of the steps done here, the first `resumed` ones having been done before)."""
    here = done - resumed
    eta = elapsed / here * (total - done) if here > 0 else float("nan")
    best_text = f", best so far {best:.4g}" if best is not None else ""
    return (f"{MARK}{what}: {done}/{total} done{f' ({label})' if label else ''}{best_text}, "
            f"{elapsed:.0f} s so far, about {eta:.0f} s to go")


def in_notebook():
    """True inside a Jupyter kernel, whose standard error is shown under the cell (not the process's)."""
    return sys.stderr is not sys.__stderr__


class TrialProgress:
    """Trials of one family's search: a line per finished trial with the best score so far, and a
    bar in the notebook; trials finished before (a resumed study) count as done from the start."""

    def __init__(self, family, n_trials, done=0):
        self.what = f"04 tuning {family}"
        self.total, self.start_done, self.started = int(n_trials), int(done), time.perf_counter()
        self.bar = None
        if in_notebook():
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, initial=self.start_done, desc=self.what, file=sys.stderr,
                            mininterval=1.0, leave=False)

    def step(self, study, done=None):
        """Count the trials done (`done`, or all that `study` has finished), and say so with its best score."""
        if done is None:
            done = sum(1 for t in study.trials if t.state.is_finished())
        try:
            best = study.best_value
        except ValueError:  # no trial completed yet (all pruned or failed)
            best = None
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
            self.bar.set_postfix_str(f"best {best:.4g}" if best is not None else "", refresh=False)
        elapsed = time.perf_counter() - self.started  # time for the trials run here, not those resumed
        line = progress_line(self.what, done, self.total, elapsed, best=best, resumed=self.start_done)
        emit(line)

    def close(self):
        if self.bar is not None:
            self.bar.close()


class _Follower(threading.Thread):
    """Reads a growing progress file and hands each complete line (without its MARK) to `echo`."""

    def __init__(self, path: Path, echo, indent, every=ECHO_SECONDS):
        super().__init__(daemon=True)
        self.path, self.echo, self.indent, self.every = Path(path), echo, indent, every
        self.done, self.rest, self.last = threading.Event(), b"", time.monotonic()
        self.offset = self.path.stat().st_size if self.path.exists() else 0  # lines of an earlier attempt stay out

    def run(self):
        while not self.done.wait(FOLLOW_SECONDS):
            self.read()
        self.read()

    def read(self):
        try:
            with open(self.path, "rb") as log:
                log.seek(self.offset)
                chunk = log.read()
        except OSError:
            return
        self.offset += len(chunk)
        *lines, self.rest = (self.rest + chunk).split(b"\n")
        for raw in lines:
            text = raw.decode("utf-8", "replace").strip()
            if text and self.shown(text):
                self.echo(self.indent + text.removeprefix(MARK))

    def shown(self, text):
        """Whether a line reaches the terminal: a task's last step always, others once per `every` seconds
        (the progress file keeps every line)."""
        steps, now = _STEPS.search(text), time.monotonic()
        if (steps and steps[1] == steps[2]) or now - self.last >= self.every:
            self.last = now
            return True
        return False


@contextlib.contextmanager
def follow_progress(path, echo, indent="      ", every=ECHO_SECONDS):
    """While the block runs, echo the lines a notebook's kernel appends to its progress file `path`
    (a task's last step always, other steps at most once per `every` seconds)."""
    follower = _Follower(path, echo, indent, every)
    follower.start()
    try:
        yield follower
    finally:
        follower.done.set()
        follower.join(timeout=5)
