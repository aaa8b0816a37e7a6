"""Provenance of input files: `data/manifest.yaml` and the sha256 checks behind it (Tip 4).

Every run verifies each input against the manifest. A changed file stops the run; accepting
the new version is an explicit command that records the new hash and date, so provenance is
never overwritten silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import LabError, explain_field_error
from .files import write_atomic

MANIFEST = Path("data") / "manifest.yaml"
PERSON_MUST_ANSWER = "AUTHOR MUST ANSWER"


class Source(BaseModel):
    """One input file's provenance record."""

    model_config = ConfigDict(extra="allow")

    path: str = Field(min_length=1)
    source: str = Field(min_length=1)
    accession: str = Field(min_length=1)
    version: str = Field(min_length=1)
    retrieved: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks so large inputs do not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(root: Path) -> list[Source]:
    """Read and validate `data/manifest.yaml`."""
    path = root / MANIFEST
    if not path.is_file():
        raise LabError(f"{MANIFEST} not found; create it with `data add PATH` for each input file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise LabError(f"{MANIFEST} is not valid YAML ({exc.__class__.__name__}); fix its syntax") from None
    entries = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise LabError(f"{MANIFEST} must hold a list under 'files:'; see the template's example entry")
    sources = []
    for index, entry in enumerate(entries, start=1):
        try:
            sources.append(Source.model_validate(entry))
        except ValidationError as exc:
            raise LabError(f"{MANIFEST}: entry {index} {explain_field_error(exc.errors()[0], str(MANIFEST))}") from None
    return sources


def find_source(sources: list[Source], relpath: str) -> Source | None:
    wanted = Path(relpath).as_posix()
    return next((s for s in sources if Path(s.path).as_posix() == wanted), None)


def verify_inputs(root: Path, relpaths: list[str], command: str) -> dict[str, str]:
    """Check each input file against the manifest; return {path: sha256} when all match."""
    sources = load_manifest(root)
    verified = {}
    for relpath in relpaths:
        path = root / relpath
        if not path.is_file():
            raise LabError(f"{relpath} (lab.yaml field 'data.path') does not exist; put the file there or fix the path")
        source = find_source(sources, relpath)
        if source is None:
            raise LabError(
                f"{relpath} is not listed in {MANIFEST}; record where it came from with "
                f"`{command} data add {relpath} --source … --accession … --version … --licence …`"
            )
        found = sha256_file(path)
        if found != source.sha256:
            raise LabError(
                f"{relpath} has changed since it was recorded in {MANIFEST} "
                f"(expected sha256 {source.sha256}, found {found}); if the new version is intended, "
                f"record it with `{command} data accept {relpath}`"
            )
        verified[relpath] = found
    return verified


def _write_manifest(root: Path, raw: dict) -> None:
    """Replace the manifest atomically so an interrupted write never leaves half a file."""
    text = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=100)
    header = "# data/manifest.yaml — provenance of every input file (Tip 4).\n"
    write_atomic(root / MANIFEST, (header + text).encode("utf-8"))


def _read_raw(root: Path) -> dict:
    path = root / MANIFEST
    if not path.is_file():
        return {"files": []}
    load_manifest(root)  # refuse to rewrite a manifest that is already broken
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {"files": []}


def add_source(root: Path, relpath: str, fields: dict[str, str], today: dt.date | None = None) -> Source:
    """Record a new input file with its hash; fields a person must supply are marked."""
    path = root / relpath
    if not path.is_file():
        raise LabError(f"{relpath} does not exist; give the path of the data file relative to the project folder")
    raw = _read_raw(root)
    if find_source([Source.model_construct(**e) for e in raw["files"]], relpath):
        raise LabError(f"{relpath} is already in {MANIFEST}; use `data accept {relpath}` for a new version")
    entry = {
        "path": Path(relpath).as_posix(),
        "source": fields.get("source") or PERSON_MUST_ANSWER,
        "accession": fields.get("accession") or PERSON_MUST_ANSWER,
        "version": fields.get("version") or PERSON_MUST_ANSWER,
        "retrieved": fields.get("retrieved") or (today or dt.date.today()).isoformat(),
        "licence": fields.get("licence") or PERSON_MUST_ANSWER,
        "sha256": sha256_file(path),
    }
    raw["files"].append(entry)
    _write_manifest(root, raw)
    return Source.model_validate(entry)


def accept_source(root: Path, relpath: str, today: dt.date | None = None) -> tuple[str, str]:
    """Accept a changed file: record its new hash and date, keeping the old hash in history."""
    raw = _read_raw(root)
    for entry in raw["files"]:
        if Path(entry["path"]).as_posix() == Path(relpath).as_posix():
            new = sha256_file(root / relpath)
            old = entry["sha256"]
            if new != old:
                history = entry.setdefault("history", [])
                history.append({"sha256": old, "retrieved": entry.get("retrieved")})
                entry["sha256"] = new
                entry["retrieved"] = (today or dt.date.today()).isoformat()
                _write_manifest(root, raw)
            return old, new
    raise LabError(f"{relpath} is not in {MANIFEST}; add it first with `data add {relpath}`")
