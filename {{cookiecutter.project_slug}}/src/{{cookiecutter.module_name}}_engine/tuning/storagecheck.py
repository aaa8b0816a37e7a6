"""Check a `tune --storage` URL before any data are loaded, and create nothing outside the project."""

from __future__ import annotations

from pathlib import Path

from ..common.errors import LabError


def sqlite_path(url: str) -> Path | None:
    """The database file of a sqlite:/// URL (relative to the working folder), or None for other URLs."""
    if not url.startswith("sqlite:///"):
        return None
    rest = url[len("sqlite:///"):].split("?", 1)[0]
    return Path(rest) if rest and rest != ":memory:" else None


def check_storage_folder(url: str, root: Path) -> None:
    """A SQLite file's folder must exist, unless it lies inside the project (where it is created)."""
    path = sqlite_path(url)
    if path is None:
        return
    folder = path.resolve().parent
    if folder.is_dir() or folder.is_relative_to(Path(root).resolve()):
        return
    raise LabError(
        f"the folder {folder} of the tuning storage {url} does not exist, and nothing is created outside the "
        f"project; create it first (mkdir -p {folder}) or give a path inside the project, e.g. "
        "sqlite:///reports/tuning.sqlite3"
    )
