"""Edit `data/manifest.yaml` as text, so a person's comments, order and layout survive `data add`.

A new entry is appended to the `files:` list in the list's own indentation; the result is
parsed back and compared with what was meant before anything is written. Paths are
normalised (`data/external/../external/x.csv` is `data/external/x.csv`) so one file has one entry.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import yaml

from ..common.errors import LabError


def normalise_path(path: str, root: Path | None = None) -> str:
    """`path` as the manifest spells it: relative to the project, forward slashes, no `.` or `..` parts."""
    given = Path(path)
    if given.is_absolute() and root is not None:
        try:
            given = given.resolve().relative_to(Path(root).resolve())
        except ValueError:
            raise LabError(f"{path} is outside the project folder {root}; copy the file under data/ first") from None
    text = posixpath.normpath(given.as_posix())
    if text == ".." or text.startswith("../"):
        raise LabError(f"{path} points outside the project folder; copy the file under data/ and give that path")
    return text


def _item_indent(text: str) -> str:
    """The indentation of the `- ` items under `files:` (two spaces when the list is still empty)."""
    match = re.search(r"^files:[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n)*([ \t]*)- ", text, flags=re.MULTILINE)
    return match.group(1) if match else "  "


def entry_block(entry: dict, indent: str) -> str:
    """One manifest entry as YAML list-item text with the given indentation."""
    dumped = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100)
    return "".join(indent + line if line.strip() else line for line in dumped.splitlines(keepends=True))


def appended(text: str, entry: dict) -> str | None:
    """`text` with `entry` added at the end of its `files:` list, or None when its layout does not allow that."""
    expected = yaml.safe_load(text) or {}
    files = list(expected.get("files") or [])
    expected = {**expected, "files": [*files, entry]}
    block = entry_block(entry, _item_indent(text))
    candidates = [text.rstrip("\n") + "\n" + block]
    if re.search(r"^files:[ \t]*\[\][ \t]*(#.*)?$", text, flags=re.MULTILINE):  # an empty flow list
        candidates.append(re.sub(r"^files:[ \t]*\[\]", lambda _: "files:\n" + block.rstrip("\n"), text,
                                 count=1, flags=re.MULTILINE))
    for candidate in candidates:
        try:
            if yaml.safe_load(candidate) == expected:
                return candidate
        except yaml.YAMLError:
            continue
    return None


def _entry_lines(lines: list[str], relpath: str) -> tuple[int, int, int] | None:
    """(first line, end line, key column) of the `files:` entry whose path is `relpath`, or None."""
    for start, line in enumerate(lines):
        match = re.match(r"^(\s*)-(\s+)path:\s*['\"]?([^'\"#]+?)['\"]?\s*(#.*)?$", line)
        if not match or normalise_path(match.group(3)) != relpath:
            continue
        item, column = len(match.group(1)), len(match.group(1)) + 1 + len(match.group(2))
        end = start + 1
        while end < len(lines):
            text = lines[end]
            if text.strip() and not text.lstrip().startswith("#") and len(text) - len(text.lstrip()) <= item:
                break
            end += 1
        while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1  # comments and blank lines after the entry belong to what follows
        return start, end, column
    return None


def accepted(text: str, relpath: str, entry: dict) -> str | None:
    """`text` with the entry of `relpath` replaced by `entry` (new sha256, retrieved and one more history item),
    editing only those lines; None when the layout does not allow that (the caller then rewrites the file)."""
    expected = yaml.safe_load(text) or {}
    files = [entry if normalise_path(str(e.get("path", ""))) == relpath else e for e in expected.get("files") or []]
    expected = {**expected, "files": files}
    lines = text.splitlines(keepends=True)
    found = _entry_lines(lines, relpath)
    if found is None:
        return None
    start, end, column = found
    pad = " " * column
    block, in_history = [], False
    for line in lines[start:end]:
        indent = len(line) - len(line.lstrip())
        if re.match(rf"^{pad}history:", line):
            in_history = True  # the earlier history is written again below, one item longer
            continue
        if in_history and (not line.strip() or indent > column or (indent == column and line.lstrip()[:2] == "- ")):
            continue
        in_history = False
        key = re.match(rf"^{pad}(sha256|retrieved):", line)
        block.append(f"{pad}{key.group(1)}: {json.dumps(entry[key.group(1)])}\n" if key else line)
    history = yaml.safe_dump({"history": entry["history"]}, sort_keys=False, allow_unicode=True, width=100)
    block += [pad + line for line in history.splitlines(keepends=True)]
    candidate = "".join(lines[:start] + block + lines[end:])
    try:
        return candidate if yaml.safe_load(candidate) == expected else None
    except yaml.YAMLError:
        return None
