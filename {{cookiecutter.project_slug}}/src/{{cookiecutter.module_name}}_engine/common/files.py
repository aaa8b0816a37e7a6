"""Small file helpers: atomic writes and stable JSON.

Kept apart from the heavier modules so the command line can write its manifest without
importing pandas or scikit-learn.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .errors import LabError


def _plain(value: Any) -> Any:
    """Make numpy scalars and arrays JSON-serialisable; floats keep 12 significant digits."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return None if not np.isfinite(value) else float(f"{value:.12g}")  # significant digits, not decimals
    return value


def _umask() -> int:
    """The process's umask (read by setting and restoring it; there is no plain getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(path: Path) -> int:
    """The mode a rewritten file gets: the existing file's, else 0666 less the umask (0644 by default)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def out_of_space(error: BaseException) -> bool:
    """True when an OSError says the disk (or a file-size limit) is full."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def space_message(path: Path, error: OSError) -> str:
    """One sentence for a write that hit a disk-space or file-size limit."""
    limit = "file-size limit reached" if error.errno == errno.EFBIG else "out of disk space"
    return (
        f"{limit} while writing {path}; the previous version of the file (if any) is kept unchanged — "
        "free some space (or raise the limit) and run the command again"
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file by renaming a finished temporary file over it.

    Readers see the old file or the new one, never half of one; a full disk leaves the old file in
    place and raises LabError saying so. The new file gets the old one's mode, else the umask's.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = new_file_mode(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if out_of_space(exc):
            raise LabError(space_message(path, exc)) from None
        raise


def write_json(path: Path, data: dict) -> Path:
    """Write `data` as stable JSON (sorted keys, 12 significant digits), atomically; return the path."""
    text = json.dumps(_plain(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
    return path


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep_partial(partial: Path, final: Path) -> bool:
    """Rename a finished (or stopped) notebook file over `final` if it is whole JSON; else drop it.

    Returns whether `final` now holds it. A notebook cut short by a full disk is never put in place.
    """
    if not partial.is_file():
        return False
    try:
        json.loads(partial.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, OSError):
        partial.unlink(missing_ok=True)
        return False
    os.chmod(partial, new_file_mode(final))
    os.replace(partial, final)
    return True
