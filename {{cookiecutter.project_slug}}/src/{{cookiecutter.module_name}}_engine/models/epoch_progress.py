"""Progress of one network's training, epoch by epoch, once it has run long enough to need it.

A network fit on a large table can take minutes inside a single trial or refit; the cell-level
progress (trials done, refits done) then says nothing for that long. Every network fit reports
its epochs here: nothing during its first `EPOCH_SECONDS`, so quick fits stay silent, then a line
at most every `EPOCH_SECONDS` — the epoch reached of the most, the training loss, the tune (or
holdout) score when one is watched, the time so far and an upper bound on the time to go (early
stopping may end sooner) — in the run's progress file (progress.emit) and, in a notebook, a bar.
"""

from __future__ import annotations

import math
import sys
import time

from ..common.progress import MARK, emit, in_notebook

EPOCH_SECONDS = 10.0
WATCHED = {"validation_data": "tune"}  # the rows passed to fit as validation_data are the tune split


def epoch_line(rows, epoch, max_epochs, record, elapsed, watched=None):
    """One line of a network's training: epoch k of at most n, its losses and scores, time so far and to go."""
    eta = elapsed / epoch * (max_epochs - epoch) if epoch > 0 else float("nan")
    parts = [f"train loss {record['train_loss']:.4g}"]
    score = record.get("val_score")
    if score is not None and math.isfinite(score):
        parts.append(f"{watched or 'tune'} score {score:.4g}")
    return (f"{MARK}network training ({rows:,} rows): epoch {epoch}/{max_epochs}, {', '.join(parts)}, "
            f"{elapsed:.0f} s so far, at most about {eta:.0f} s to go")


class EpochProgress:
    """Context manager around a network's epoch loop: `step(record)` after each epoch."""

    def __init__(self, max_epochs, rows, watched=None, every=None, log=None, clock=time.perf_counter):
        """`watched`: where the scores come from, as TorchMLPClassifier.validation_source_ says."""
        self.max_epochs, self.rows, self.log = int(max_epochs), int(rows), log
        self.watched = WATCHED.get(watched, watched)
        self.every = EPOCH_SECONDS if every is None else float(every)
        self.clock = clock
        self.started = self.last = clock()
        self.epoch, self.lines, self.bar = 0, 0, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False

    def step(self, record):
        """Count one epoch; say so if `every` seconds passed since the fit began or since the last line."""
        self.epoch += 1
        now = self.clock()
        if now - self.last < self.every:
            if self.bar is not None:
                self.bar.update()
            return
        self.last = now
        self._show_bar(record)
        emit(epoch_line(self.rows, self.epoch, self.max_epochs, record, now - self.started, self.watched), self.log)
        self.lines += 1

    def _show_bar(self, record):
        if self.bar is None and in_notebook():
            from tqdm import tqdm

            self.bar = tqdm(total=self.max_epochs, initial=self.epoch - 1, file=sys.stderr, mininterval=1.0,
                            desc=f"network training ({self.rows:,} rows)", leave=False)
        if self.bar is not None:
            self.bar.update()
            self.bar.set_postfix_str(f"train loss {record['train_loss']:.4g}", refresh=False)
