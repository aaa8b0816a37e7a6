"""The engine's manifest: every file the template ships in the engine folder, with its sha256.

Standard library only and no imports from the engine, so the template's tools/engine_manifest.py
loads this very file to write the manifest that `check` compares against: one rule, one place.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MANIFEST = "engine-manifest.json"
SKIPPED_FOLDERS = frozenset({"__pycache__"})  # Python's byte-code caches, written on import
SKIPPED_SUFFIXES = (".pyc", ".pyo")


def engine_files(folder: Path) -> list[str]:
    """Every file a manifest covers, as sorted posix paths relative to the engine folder."""
    files = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if (not path.is_file() or path.suffix in SKIPPED_SUFFIXES or relative.as_posix() == MANIFEST
                or SKIPPED_FOLDERS.intersection(relative.parts[:-1])):
            continue
        files.append(relative.as_posix())
    return sorted(files)


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, as hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_manifest(folder: Path, version: str) -> dict:
    """The manifest of an engine folder as it is now: {"engine": version, "files": {path: sha256}}."""
    return {"engine": version, "files": {name: file_sha256(folder / name) for name in engine_files(folder)}}


def manifest_text(manifest: dict) -> str:
    """The manifest as stable JSON (indented, keys sorted, one trailing newline), so rewriting changes nothing."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
