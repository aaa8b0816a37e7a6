"""Optuna journal files: a tuning study shared through one file, with no database server.

`journal:///abs/path/study.log` (or `journal://relative/path.log`, from the project folder) opens
Optuna's JournalStorage on a JournalFileBackend: an append-only log guarded by a lock file made
with a link system call, which works on network filesystems (NFS, GPFS, Lustre) where SQLite's
locking does not. Every worker of a Slurm array can write to the same file.
"""

import os
import uuid
from pathlib import Path

from ..common.errors import LabError

JOURNAL_SCHEME = "journal://"


def is_journal(url):
    """Whether a storage URL names an Optuna journal file."""
    return isinstance(url, str) and url.startswith(JOURNAL_SCHEME)


def journal_path(url, root=None):
    """The file a journal URL names; a relative path is taken from `root` (default: the current folder)."""
    rest = url[len(JOURNAL_SCHEME):]
    if not rest or rest.endswith("/"):
        raise LabError(
            f"tuning storage '{url}' names no journal file; write it like journal:///shared/lab/study.log."
        )
    path = Path("/" + rest.lstrip("/")) if rest.startswith("/") else Path(rest)
    return path if path.is_absolute() else Path(root or Path.cwd()).resolve() / path


def absolute_journal_url(url, root=None):
    """The same storage with an absolute path, so workers started from any folder find the one file."""
    return f"{JOURNAL_SCHEME}{journal_path(url, root)}" if is_journal(url) else url


def open_journal(url, root=None):
    """Optuna JournalStorage on the file `url` names, after checking its folder can hold it."""
    path = journal_path(url, root)
    check_journal_folder(path, url)
    import optuna  # loaded on first use, as in lazy_imports.py

    backend = optuna.storages.journal.JournalFileBackend(str(path))
    return optuna.storages.JournalStorage(backend)


def check_journal_folder(path, url):
    """Refuse, in one sentence, a journal whose folder is missing or where this user cannot write.

    The journal's lock is a file made next to it, so the folder itself must be writable, not only
    the journal; this is tried for real (a permission check alone is wrong for root and on NFS).
    """
    folder = path.parent
    if not folder.is_dir():
        raise LabError(
            f"tuning storage {url}: the folder {folder} does not exist; create it (on a filesystem every "
            "worker can reach) or name a journal in an existing folder."
        )
    probe = folder / f".{path.name}.{uuid.uuid4().hex}.probe"
    try:
        probe.touch()
        probe.unlink()
        with open(path, "ab"):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise LabError(
            f"tuning storage {url}: cannot write in the folder {folder} ({reason}); name a journal in a "
            "folder this user can write to."
        ) from None


def worker_tag():
    """Who runs a trial: host, process and, under Slurm, the array job and task."""
    tag = {"host": os.uname().nodename, "pid": os.getpid()}
    job, task = os.environ.get("SLURM_ARRAY_JOB_ID") or os.environ.get("SLURM_JOB_ID"), os.environ.get(
        "SLURM_ARRAY_TASK_ID"
    )
    if job:
        tag["slurm_job"] = f"{job}_{task}" if task is not None else job
    return tag
