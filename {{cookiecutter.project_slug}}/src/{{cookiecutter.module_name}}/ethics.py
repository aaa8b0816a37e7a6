"""Tip 10: the ethics register, kept like an issue tracker next to the code.

Concerns are raised, owned and resolved as entries in ethics/register.yaml; open entries that
block release stop a model from being shared, exactly as an open bug would.
"""

from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import LabError, explain_field_error

DEFAULT_PATH = "ethics/register.yaml"
STATUSES = ("open", "mitigated", "accepted", "resolved")


class Entry(BaseModel):
    """One concern in the register: what it is, who owns it, and how it was settled.

    Validated field by field so a typo is reported with the entry and the fix.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    category: str = Field(min_length=1)
    status: Literal["open", "mitigated", "accepted", "resolved"]
    owner: str = Field(min_length=1)
    opened: date
    resolved: date | None = None
    resolution: str | None = None
    blocks_release: bool


FIELDS = tuple(Entry.model_fields)


def load_register(path=DEFAULT_PATH):
    """Read and validate the register file, returning its entries in file order.

    Any problem is one sentence naming the file, the entry, the field and the fix.
    """
    path = Path(path)
    raw = _read_entries(path)
    entries = [_parse_entry(path, index, item) for index, item in enumerate(raw, start=1)]
    _check_unique_ids(path, entries)
    return entries


def open_entries(entries):
    """Entries still open: concerns nobody has yet mitigated, accepted or resolved.

    The register's to-do list, shown in notebook 07.
    """
    return [e for e in entries if e.status == "open"]


def blocking_entries(entries):
    """Open entries marked blocks_release: any one of them stops a release.

    The release gate reads this list; it must be empty before a model leaves the lab.
    """
    return [e for e in open_entries(entries) if e.blocks_release]


def register_table(entries):
    """The register as a DataFrame, one row per entry, dates as YYYY-MM-DD text.

    For display in notebooks and for the model card.
    """
    rows = [e.model_dump(mode="json") for e in entries]
    return pd.DataFrame(rows, columns=list(FIELDS))


def _read_entries(path):
    if not path.is_file():
        raise LabError(
            f"{path} does not exist; create it with an 'entries:' "
            "list (see the comments in the template's register)."
        )
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise LabError(f"{path} is not valid YAML{where}; fix the syntax there.") from None
    if not isinstance(document, dict) or "entries" not in document:
        raise LabError(
            f"{path} must hold a top-level 'entries:' list; "
            "add it (it may be empty: 'entries: []')."
        )
    entries = document["entries"] or []
    if not isinstance(entries, list):
        raise LabError(
            f"{path}: 'entries' must be a list of entries, "
            "each starting with '- id:'; correct it."
        )
    return entries


def _parse_entry(path, index, item):
    if not isinstance(item, dict):
        raise LabError(
            f"{path}: entry {index} must be a mapping of fields "
            f"(id, title, ...), not {item!r}; correct it."
        )
    label = f"{path}: entry {index} ({item.get('id', 'no id')})"
    try:
        entry = Entry.model_validate(item)
    except ValidationError as error:
        raise LabError(f"{label} {explain_field_error(error.errors()[0], 'the register')}.") from None
    problem = _consistency_problem(entry)
    if problem:
        raise LabError(f"{label} {problem}")
    return entry


def _consistency_problem(entry):
    if entry.status == "open" and entry.resolved is not None:
        return "field 'resolved' must be null while status is open; clear the date or change the status."
    if entry.status == "resolved" and entry.resolved is None:
        return "field 'resolved' must give the date the entry was resolved (YYYY-MM-DD); add it."
    if entry.status != "open" and not (entry.resolution or "").strip():
        return f"field 'resolution' must say how the concern was {entry.status}; add a sentence."
    if entry.resolved is not None and entry.resolved < entry.opened:
        return (
            f"field 'resolved' ({entry.resolved}) is before "
            f"'opened' ({entry.opened}); correct one of the dates."
        )
    return None


def _check_unique_ids(path, entries):
    first_seen = {}
    for index, entry in enumerate(entries, start=1):
        if entry.id in first_seen:
            raise LabError(
                f"{path}: entry {index} ({entry.id}) field 'id' repeats entry {first_seen[entry.id]}; "
                "give every entry a unique id."
            )
        first_seen[entry.id] = index
