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

from ..common.errors import LabError, explain_field_error
from ..common.files import write_atomic

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
    """Hex sha256 of a file, read in chunks so large inputs do not fill memory (a folder: images.folder_sha256)."""
    if Path(path).is_dir():
        from ..modalities.image.reading import file_hashes, folder_sha256

        return folder_sha256(file_hashes(Path(path)))
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
    from ..common.yamlread import parse_yaml

    raw = parse_yaml(path.read_text(encoding="utf-8"), str(MANIFEST)) or {}
    entries = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise LabError(f"{MANIFEST} must hold a list under 'files:'; see the template's example entry")
    sources = []
    for index, entry in enumerate(entries, start=1):
        try:
            sources.append(Source.model_validate(entry))
        except ValidationError as exc:
            raise LabError(f"{MANIFEST}: entry {index} {explain_field_error(exc.errors()[0], str(MANIFEST))}") from None
    refuse_duplicates(sources)
    return sources


def refuse_duplicates(sources: list[Source]) -> None:
    """Two entries for one file (after normalising the paths) would let either hash count; refuse."""
    from .manifest_text import normalise_path

    seen: dict[str, int] = {}
    for index, source in enumerate(sources, start=1):
        key = normalise_path(source.path)
        if key in seen:
            raise LabError(
                f"{MANIFEST}: entries {seen[key]} and {index} both describe {key}; keep one entry per file "
                "(merge their fields and delete the other)"
            )
        seen[key] = index


def find_source(sources: list[Source], relpath: str) -> Source | None:
    """The manifest's entry for one input file (its path written as the manifest writes it), or None."""
    from .manifest_text import normalise_path

    wanted = normalise_path(relpath)
    return next((s for s in sources if normalise_path(s.path) == wanted), None)


def verify_inputs(root: Path, relpaths: list[str], command: str) -> dict[str, str]:
    """Check each input file against the manifest; return {path: sha256} when all match."""
    sources = load_manifest(root)
    verified = {}
    for relpath in relpaths:
        path = root / relpath
        if not path.exists():
            from ..modalities.image.simulate import restore_builtin

            if not restore_builtin(root, find_source(sources, relpath)):
                raise LabError(
                    f"{relpath} (lab.yaml field 'data.path') does not exist; put the file there or fix the path")
        source = find_source(sources, relpath)
        if source is None:
            raise LabError(
                f"{relpath} is not listed in {MANIFEST}; record where it came from with "
                f"`{command} data add {relpath} --source … --accession … --version … --licence …`"
            )
        found = sha256_file(path)
        if found != source.sha256:
            raise LabError(
                f"{relpath} has changed since it was recorded in {MANIFEST}{_changed_images(path, source)} "
                f"(expected sha256 {source.sha256}, found {found}); if the new version is intended, "
                f"record it with `{command} data accept {relpath}`"
            )
        verified[relpath] = found
    return verified


def _changed_images(path: Path, source: Source) -> str:
    """For a folder of images: ' (files: a.tif (changed), …)' naming what differs from the recorded per-file hashes."""
    recorded = getattr(source, "file_sha256", None)
    if not path.is_dir() or not isinstance(recorded, dict):
        return ""
    from ..modalities.image.reading import changed_files, file_hashes

    changed = changed_files(recorded, file_hashes(path))
    return f" (images: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''})" if changed else ""


def _folder_hashes(path: Path) -> dict:
    """{'file_sha256': {name: sha256}} for a folder of images, so a later change names the image; {} for a file."""
    if not path.is_dir():
        return {}
    from ..modalities.image.reading import file_hashes

    return {"file_sha256": file_hashes(path)}


def _write_manifest(root: Path, raw: dict) -> None:
    """Replace the manifest atomically so an interrupted write never leaves half a file."""
    text = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=100)
    header = "# data/manifest.yaml — provenance of every input file (Tip 4).\n"
    path = root / MANIFEST
    if path.is_file():  # keep the person's leading comments
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        first = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
        header = "".join(lines[:first]) or header
    write_atomic(path, (header + text).encode("utf-8"))


def _append_entry(root: Path, raw: dict, entry: dict) -> None:
    """Add one entry to the manifest as text, keeping every comment and the order; re-dump only as a last resort."""
    from .manifest_text import appended

    path = root / MANIFEST
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    edited = appended(text, entry) if text.strip() else None
    if edited is None:
        raw["files"].append(entry)
        _write_manifest(root, raw)
    else:
        write_atomic(path, edited.encode("utf-8"))


def _replace_entry(root: Path, raw: dict, relpath: str, entry: dict) -> None:
    """Rewrite one entry's changed lines only (comments and layout kept); re-dump only as a last resort."""
    from .manifest_text import accepted

    path = root / MANIFEST
    edited = accepted(path.read_text(encoding="utf-8"), relpath, entry)
    if edited is None:
        _write_manifest(root, raw)
    else:
        write_atomic(path, edited.encode("utf-8"))


def _read_raw(root: Path) -> dict:
    path = root / MANIFEST
    if not path.is_file():
        return {"files": []}
    load_manifest(root)  # refuse to rewrite a manifest that is already broken
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {"files": []}


def add_source(root: Path, relpath: str, fields: dict[str, str], today: dt.date | None = None) -> Source:
    """Record a new input file with its hash; fields a person must supply are marked."""
    from .manifest_text import normalise_path

    relpath = normalise_path(relpath, root)
    path = root / relpath
    if not path.exists():
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
        **_folder_hashes(path),
    }
    _append_entry(root, raw, entry)
    return Source.model_validate(entry)


def add_simulated(root: Path, relpath: str, **settings) -> dict:
    """Simulate a binding-site FASTA at `relpath` and record it, generator and settings included.

    `settings` go to sequences.simulate_binding_sites (n_sequences, length, noise, …). An existing
    file or manifest entry is never overwritten.
    """
    from ..modalities.sequence.fasta import simulate_binding_sites, simulated_manifest_entry, write_fasta
    from .manifest_text import normalise_path

    relpath = normalise_path(relpath, root)
    path = root / relpath
    raw = _read_raw(root)
    if path.exists() or find_source([Source.model_construct(**e) for e in raw["files"]], relpath):
        raise LabError(f"{relpath} already exists or is in {MANIFEST}; choose a new file name for the simulated data")
    records, params = simulate_binding_sites(**settings)  # checks the settings before anything is written
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = simulated_manifest_entry(Path(relpath).as_posix(), params, write_fasta(path, records))
    _append_entry(root, raw, entry)
    return entry


def accept_source(root: Path, relpath: str, today: dt.date | None = None) -> tuple[str, str]:
    """Accept a changed file: record its new hash and date, keeping the old hash in history."""
    from .manifest_text import normalise_path

    relpath = normalise_path(relpath, root)
    raw = _read_raw(root)
    for entry in raw["files"]:
        if normalise_path(entry["path"]) == relpath:
            new = sha256_file(root / relpath)
            old = entry["sha256"]
            if new != old:
                history = entry.setdefault("history", [])
                history.append({"sha256": old, "retrieved": entry.get("retrieved")})
                entry["sha256"] = new
                entry.update(_folder_hashes(root / relpath))
                entry["retrieved"] = (today or dt.date.today()).isoformat()
                _replace_entry(root, raw, relpath, entry)
            return old, new
    raise LabError(f"{relpath} is not in {MANIFEST}; add it first with `data add {relpath}`")


# datasheet draft (Gebru et al., "Datasheets for Datasets") ----------------------------------


def simulation_of(root: Path, relpath: str) -> dict | None:
    """The generator record ({name, version, params}) of a simulated input, or None for real data.

    What was planted in simulated data is known, so an analysis can be checked against it.
    """
    source = find_source(load_manifest(root), relpath)
    generator = (source.model_extra or {}).get("generator") if source is not None else None
    return generator if isinstance(generator, dict) else None
