"""Tip 10: the ethics register, kept like an issue tracker next to the code.

Concerns are raised, owned and resolved as entries in ethics/register.yaml; open entries that
block release stop a model from being shared, exactly as an open bug would.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..common.errors import LabError, explain_field_error
from ..common.files import write_atomic

DEFAULT_PATH = "ethics/register.yaml"
STATUSES = ("open", "mitigated", "accepted", "resolved")
UNASSIGNED = "to be assigned"


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
    # Set by notebook 07 on entries it raised: the check's stable key, so reruns never repeat them.
    auto: str | None = None
    # On a resolved entry: what it allows. 'model_sharing' lets weights trained on sensitive data leave the lab.
    permits: Literal["model_sharing"] | None = None


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
    if item.get("id") in (None, ""):
        raise LabError(f"{label} field 'id' is missing; give the entry a unique id such as \"E{index:03d}\" (quoted).")
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


# automatic entries ---------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """A concern a check found; `check` is the stable key that deduplicates it across runs."""

    check: str
    title: str
    category: str
    blocks_release: bool


def sensitive_finding(sensitive):
    """Data marked sensitive: weights and predictions can leak training records."""
    if not sensitive:
        return []
    return [
        Finding(
            "sensitive-data",
            "Trained on sensitive data: weights and open predictions can leak training records; "
            "share them only after a privacy review (record it with 'permits: model_sharing')",
            "privacy",
            True,
        )
    ]


def subgroup_findings(gaps_by_model, threshold):
    """One finding per subgroup column (or pair) whose metric spread exceeds the threshold in any model."""
    flagged = {}
    for model, gaps in gaps_by_model.items():
        for subgroup, gap in gaps.items():
            if gap.get("flagged"):
                flagged.setdefault(subgroup, []).append((model, gap))
    findings = []
    for subgroup, hits in flagged.items():
        largest = max(gap["gap"] for _, gap in hits)
        metric = hits[0][1]["metric"].replace("_", " ")
        models = ", ".join(model for model, _ in hits)
        findings.append(
            Finding(
                f"subgroup-gap:{subgroup}",
                f"{metric.capitalize()} differs by up to {largest:.2f} across {subgroup} groups on the tune split "
                f"({models}; limit {threshold:g})",
                "bias",
                True,
            )
        )
    return findings


def small_test_finding(n_test, minimum):
    """A test set below the minimum gives estimates too uncertain to support claims."""
    if n_test is None or n_test >= minimum:
        return []
    return [
        Finding(
            "small-test-set",
            f"Small test set: {n_test} samples (fewer than {minimum}); reported performance is uncertain",
            "validity",
            False,
        )
    ]


def imbalance_finding(class_counts, ratio):
    """Largest over smallest class beyond the ratio: the minority class may be served poorly."""
    if len(class_counts) < 2:
        return []
    ordered = sorted(class_counts.items(), key=lambda item: (item[1], str(item[0])))
    (small, n_small), (large, n_large) = ordered[0], ordered[-1]
    if n_small > 0 and n_large / n_small <= ratio:
        return []
    return [
        Finding(
            "class-imbalance",
            f"Strong class imbalance: {n_small} '{small}' against {n_large} '{large}' samples "
            f"(more than {ratio:g} to 1); check the model on the minority class",
            "representativeness",
            False,
        )
    ]


def earlier_findings(provenance=None, split=None, overfitting=None, audit=None):
    """Leakage, confounding and a reopened test split, read defensively from earlier artifacts.

    provenance = 01_data_provenance.json, split = split.json, overfitting = 05_overfitting.json
    (any may be None or lack keys), audit = the lines of test_audit.jsonl as dicts.
    """
    warnings = [w for w in (provenance or {}).get("warnings") or [] if isinstance(w, dict)]
    findings = []
    leaks = [w.get("message", "") for w in warnings if w.get("check") == "leakage"]
    crossing = sorted(
        str(i) for ids in ((split or {}).get("leakage") or {}).values() if isinstance(ids, list) for i in ids
    )
    if leaks or crossing:
        detail = _short(leaks[0]) if leaks else f"{len(crossing)} sample(s) or group(s) cross splits"
        findings.append(Finding("leakage", f"Possible leakage between splits: {detail}", "validity", True))
    confounds = [w.get("message", "") for w in warnings  # the group column; metadata columns: auto_findings
                 if w.get("check") == "confounding" and not w.get("column")]
    if confounds:
        findings.append(Finding("confounding", f"Possible confounding: {_short(confounds[0])}", "validity", True))
    openings = _test_openings(overfitting or {}, audit or [])
    if openings:
        findings.append(
            Finding(
                "test-reopened",
                f"The test split was {openings}; test scores are no longer an unbiased estimate",
                "validity",
                True,
            )
        )
    return findings


def read_earlier(run_dir):
    """The earlier artifacts earlier_findings reads, each None when this run does not have it."""
    run_dir = Path(run_dir)
    found = {}
    for key, name in (("provenance", "01_data_provenance"), ("split", "split"), ("overfitting", "05_overfitting")):
        path = run_dir / "artifacts" / f"{name}.json"
        found[key] = _read_json_or_none(path)
    audit_path = run_dir / "test_audit.jsonl"
    found["audit"] = None
    if audit_path.is_file():
        lines = [line for line in audit_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        found["audit"] = [_parse_json(audit_path, line) for line in lines]
    return found


def raise_entries(path, findings, today, owner=UNASSIGNED):
    """Add an open entry for each finding whose check has no entry yet; return the register after.

    Entries already raised for a check (by its `auto` key) are left exactly as they are, so a
    person's status, owner and resolution survive reruns; the file is appended to and written
    atomically, keeping every comment and entry a person wrote.
    """
    path = Path(path)
    entries = load_register(path)
    known = {entry.auto for entry in entries if entry.auto}
    new, taken = [], [entry.id for entry in entries]
    for finding in findings:
        if finding.check in known:
            continue
        known.add(finding.check)
        entry_id = next_id(taken)
        taken.append(entry_id)
        new.append(_new_entry(entry_id, finding, today, owner))
    if new:
        write_atomic(path, _with_entries(path, new).encode("utf-8"))
    return load_register(path)


def next_id(ids):
    """The next free id of the form E001, E002, … after the highest one in use."""
    numbers = [int(match.group(1)) for i in ids if (match := re.fullmatch(r"E(\d+)", str(i)))]
    return f"E{max(numbers, default=0) + 1:03d}"


def entry_records(entries):
    """Entries as plain dicts without their dates, for artifacts that must not change from day to day."""
    return [entry.model_dump(mode="json", exclude={"opened", "resolved"}) for entry in entries]


def check_status(findings, entries):
    """For each finding of this run, the register entry that tracks it (by its auto key)."""
    by_key = {entry.auto: entry for entry in entries if entry.auto}
    return [
        {
            "check": f.check,
            "entry": by_key[f.check].id if f.check in by_key else None,
            "status": by_key[f.check].status if f.check in by_key else None,
            "blocks_release": by_key[f.check].blocks_release if f.check in by_key else f.blocks_release,
        }
        for f in findings
    ]


def _new_entry(entry_id, finding, today, owner):
    return {
        "id": entry_id,
        "title": finding.title,
        "category": finding.category,
        "status": "open",
        "owner": owner,
        "opened": today,
        "resolved": None,
        "resolution": None,
        "blocks_release": finding.blocks_release,
        "auto": finding.check,
    }


def _with_entries(path, new):
    """The register text with new entries appended, or re-dumped below its header comments if needed."""
    text = path.read_text(encoding="utf-8")
    old = (yaml.safe_load(text) or {}).get("entries") or []
    appended = text.rstrip("\n") + "\n" + "".join(_entry_text(entry) for entry in new)
    try:
        parsed = (yaml.safe_load(appended) or {}).get("entries")
    except yaml.YAMLError:
        parsed = None
    if parsed == old + new:
        return appended
    header = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        header.append(line)
    document = {**(yaml.safe_load(text) or {}), "entries": old + new}
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(header).rstrip("\n") + ("\n\n" if header else "") + body


def _entry_text(entry):
    lines = [
        "",
        f"  # raised by notebook 07 (check {entry['auto']}); edit owner, status, resolved and resolution freely",
        f"  - id: {json.dumps(entry['id'])}",
    ]
    for key in ("title", "category", "status", "owner", "opened", "resolved", "resolution", "blocks_release", "auto"):
        lines.append(f"    {key}: {_scalar(entry[key])}")
    return "\n".join(lines) + "\n"


def _scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if re.fullmatch(r"[a-z]+", str(value)) and yaml.safe_load(str(value)) == value:
        return str(value)  # a plain word such as a status or category needs no quotes
    return json.dumps(str(value), ensure_ascii=False)


def _test_openings(overfitting, audit):
    count = overfitting.get("test_openings")
    forced = [line for line in audit if isinstance(line, dict) and line.get("forced")]
    if overfitting.get("test_reopened") or (isinstance(count, int) and count > 1) or len(audit) > 1 or forced:
        times = max(count if isinstance(count, int) else 0, len(audit))
        reason = forced[0].get("force_reason") if forced else None
        opened = f"opened {times} times" if times > 1 else "reopened"
        return f"{opened}" + (f" (forced: {_short(str(reason))})" if reason else "")
    return None


def _short(text, limit=160):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _read_json_or_none(path):
    if not path.is_file():
        return None
    return _parse_json(path, path.read_text(encoding="utf-8"))


def _parse_json(path, text):
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise LabError(f"{path} is not valid JSON; rerun the notebook that writes it.") from None
    return value if isinstance(value, dict) else None
