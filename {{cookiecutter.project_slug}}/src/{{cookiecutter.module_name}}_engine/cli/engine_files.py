"""Has anyone edited the engine? Its files against the sha256 manifest the template shipped with them.

The engine belongs to the template: `cruft update` rewrites it, so an edit made here is overwritten
or conflicts on the next update. `check` names such files while they can still be moved to the study.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..common.errors import LabError
from ..common.names import ENGINE, STUDY
from .engine_manifest import MANIFEST, engine_files, file_sha256

ENGINE_DIR = Path(__file__).resolve().parents[1]
SHOWN = 10  # files named in check's line; the rest are counted


@dataclass(frozen=True)
class EngineStatus:
    """The engine folder against its manifest: what differs, by kind, and the versions."""

    version: str  # the manifest's: the engine version the template shipped these files as
    listed: int  # files in the manifest
    edited: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    def differences(self) -> list[str]:
        """Each differing file with its kind, e.g. 'models/nets.py (edited)'."""
        return ([f"{name} (edited)" for name in self.edited] + [f"{name} (missing)" for name in self.missing]
                + [f"{name} (added)" for name in self.added])


def read_manifest(folder: Path) -> tuple[str, dict[str, str]]:
    """The manifest's engine version and {path: sha256}; one sentence when it is missing or broken."""
    path = folder / MANIFEST
    fix = "restore it with `git checkout -- <file>` or take the template's with `cruft update`"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        version, files = manifest["engine"], manifest["files"]
    except FileNotFoundError:
        raise LabError(f"{path} is missing, so edited engine files cannot be told apart; {fix}") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise LabError(f"{path} is not the template's JSON with 'engine' and 'files'; {fix}") from None
    if not (isinstance(version, str) and isinstance(files, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())):
        raise LabError(f"{path} is not the template's JSON ('engine' text, 'files' path to sha256); {fix}")
    return version, files


def engine_status(folder: Path = ENGINE_DIR) -> EngineStatus:
    """Which engine files were edited, removed or added since the template shipped them."""
    version, files = read_manifest(folder)
    present = set(engine_files(folder))
    edited = tuple(name for name in sorted(files) if name in present and file_sha256(folder / name) != files[name])
    missing = tuple(name for name in sorted(files) if name not in present)
    added = tuple(sorted(present - set(files)))
    return EngineStatus(version, len(files), edited, missing, added)


def engine_line(folder: Path = ENGINE_DIR) -> str:
    """`check`'s one line on the engine: the version running and whether every file is as the template shipped it.

    A missing or broken manifest is that line's one sentence too: the study's own checks still hold.
    """
    head = f"engine: {ENGINE} {__version__}"
    try:
        status = engine_status(folder)
    except LabError as exc:
        return f"{head}: {exc}"
    if status.version != __version__:
        head += f" (its manifest is for {status.version})"
    differences = status.differences()
    if not differences:
        return f"{head}, {status.listed} files as the template shipped them"
    more = f" and {len(differences) - SHOWN} more" if len(differences) > SHOWN else ""
    named = ", ".join(differences[:SHOWN]) + more
    return (f"{head}: {len(differences)} file(s) differ from what the template shipped — {named}; the next "
            f"template update may overwrite or conflict with them: move your own code into src/{STUDY}/ "
            "(yours, never touched by updates) and restore these with git")
