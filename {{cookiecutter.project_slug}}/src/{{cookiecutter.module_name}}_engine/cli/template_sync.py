"""Keeping up with the template: is the project behind it, and which notebooks can take its changes.

`cruft update` applies the template's later changes to everything the template owns, and never
touches what belongs to the study ([tool.cruft] skip in pyproject.toml). The working notebooks in
notebooks/ belong to the study once edited, so cruft only refreshes the template's own copies in
.template/notebooks/; `sync-notebooks` then replaces each working notebook nobody edited and, for
an edited one, keeps it and writes the difference to the template's version beside the report.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import LabError
from ..common.files import sha256_bytes, write_atomic
from ..common.names import COMMAND

CRUFT_FILE = ".cruft.json"
TEMPLATE_NOTEBOOKS = Path(".template") / "notebooks"
WORKING_NOTEBOOKS = Path("notebooks")
SYNC_STATE = WORKING_NOTEBOOKS / ".template-sync.json"
UPDATES = Path("reports") / "template-updates"
PEEL = "^" + "{commit}"  # git's suffix naming the commit a ref points to


# --- behind the template? -------------------------------------------------------------------
def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def _local_template(template: str, root: Path) -> Path | None:
    """The template as a git repository on this machine, or None (a URL is never fetched)."""
    path = Path(template.removeprefix("file://")).expanduser()
    path = path if path.is_absolute() else root / path
    if path.is_dir() and _git(path, "rev-parse", "--git-dir").returncode == 0:
        return path
    return None


def template_status(root: Path) -> str | None:
    """One sentence on whether the project is behind its template; None without cruft metadata."""
    cruft_file = root / CRUFT_FILE
    if not cruft_file.is_file():
        return None
    try:
        state = json.loads(cruft_file.read_text(encoding="utf-8"))
        template, commit = str(state["template"]), str(state["commit"])
    except (ValueError, KeyError, TypeError):
        raise LabError(f"{cruft_file} is not cruft's JSON with 'template' and 'commit'; "
                       "restore it from git or recreate it with `cruft link`") from None
    repo = _local_template(template, root)
    if repo is None:
        return (f"template: could not check whether the project is behind {template} (it is not a git "
                f"repository on this machine; nothing is fetched); run `cruft check` where it can be reached")
    ref = state.get("checkout") or "HEAD"
    head = _git(repo, "rev-parse", "--verify", "--quiet", ref + PEEL).stdout.strip()
    if not head or _git(repo, "cat-file", "-e", commit + PEEL).returncode != 0:
        return (f"template: could not check: commit {commit[:10]} recorded in {CRUFT_FILE} or '{ref}' is not "
                f"in {repo}; run `cruft check` against the template's home")
    if head == commit or _git(repo, "diff", "--quiet", commit, head).returncode == 0:
        return f"template: up to date with {template} at {head[:10]}"
    behind = _git(repo, "rev-list", "--count", f"{commit}..{head}").stdout.strip() or "some"
    return (f"template: behind {template} by {behind} commit(s) ({commit[:10]} → {head[:10]}); take them with "
            f"`BIODL_NO_GIT=1 cruft update -y`, then `{COMMAND} sync-notebooks`")


# --- notebooks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class NotebookState:
    """One notebook: 'current', 'edited' (template unchanged), 'refresh' or 'conflict' (template changed)."""

    name: str
    status: str


def _read_state(root: Path) -> dict[str, str]:
    path = root / SYNC_STATE
    if not path.is_file():
        return {}
    try:
        taken = json.loads(path.read_text(encoding="utf-8"))["taken_from_template"]
    except (ValueError, KeyError, TypeError):
        raise LabError(f"{path} is not valid (field 'taken_from_template' missing); restore it from git") from None
    return {str(k): str(v) for k, v in taken.items()}


def _write_state(root: Path, taken: dict[str, str]) -> None:
    text = json.dumps({"taken_from_template": dict(sorted(taken.items()))}, indent=2, sort_keys=True) + "\n"
    write_atomic(root / SYNC_STATE, text.encode("utf-8"))


def _sha(path: Path) -> str | None:
    return sha256_bytes(path.read_bytes()) if path.is_file() else None


def notebook_states(root: Path) -> list[NotebookState]:
    """How each working notebook stands against the template's copy of it."""
    taken = _read_state(root)
    states = []
    for template in sorted((root / TEMPLATE_NOTEBOOKS).glob("*.ipynb")):
        new, mine = _sha(template), _sha(root / WORKING_NOTEBOOKS / template.name)
        last = taken.get(template.name)
        if mine == new:
            status = "current"
        elif new == last:
            status = "edited"
        elif mine is None or mine == last:
            status = "refresh"
        else:
            status = "conflict"
        states.append(NotebookState(template.name, status))
    return states


def notebook_text(path: Path) -> list[str]:
    """A notebook's cells as percent-format lines, for a readable difference."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    lines = []
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        marker = "# %%" if cell.get("cell_type") == "code" else f"# %% [{cell.get('cell_type')}]"
        lines += [marker + "\n", *(line + "\n" for line in source.splitlines())]
    return lines


def notebook_diff(root: Path, name: str) -> str:
    """The working notebook against the template's current version, as a unified diff of cells."""
    mine, template = root / WORKING_NOTEBOOKS / name, root / TEMPLATE_NOTEBOOKS / name
    return "".join(difflib.unified_diff(
        notebook_text(mine), notebook_text(template),
        fromfile=f"{WORKING_NOTEBOOKS / name} (yours)", tofile=f"{TEMPLATE_NOTEBOOKS / name} (template)"))


def _pick(names: tuple[str, ...], states: list[NotebookState]) -> set[str]:
    """Notebook names from 'NN' prefixes or full names; one sentence for an unknown one."""
    picked = set()
    for wanted in names:
        match = [s.name for s in states if s.name == wanted or s.name.startswith(f"{wanted}_")]
        if not match:
            raise LabError(f"no template notebook '{wanted}' in {TEMPLATE_NOTEBOOKS}; give its number, e.g. 03")
        picked.update(match)
    return picked


def sync_notebooks(root: Path, take: tuple[str, ...] = (), keep: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Refresh unedited notebooks from .template/notebooks/; keep edited ones and write their diff.

    `take` replaces an edited notebook with the template's (yours is saved beside the diff);
    `keep` marks an edited notebook as reconciled with the template's current version.
    """
    states = notebook_states(root)
    if not states:
        raise LabError(f"{root / TEMPLATE_NOTEBOOKS} holds no notebooks; bake the project from the template "
                       "(or `cruft update`) so the template's copies are there")
    take_names, keep_names = _pick(take, states), _pick(keep, states)
    taken = _read_state(root)
    done: dict[str, list[str]] = {"refreshed": [], "kept": [], "taken": [], "reconciled": []}
    for state in states:
        template = root / TEMPLATE_NOTEBOOKS / state.name
        mine = root / WORKING_NOTEBOOKS / state.name
        edited = state.status in ("edited", "conflict")
        if edited and state.name in take_names:
            backup = root / UPDATES / f"{mine.stem}.yours.ipynb"
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(mine, backup)
            write_atomic(mine, template.read_bytes())
            done["taken"].append(state.name)
        elif state.status == "refresh":
            write_atomic(mine, template.read_bytes())
            done["refreshed"].append(state.name)
        elif state.status == "conflict" and state.name in keep_names:
            done["reconciled"].append(state.name)
        elif state.status == "conflict":
            write_atomic(root / UPDATES / f"{mine.stem}.diff", notebook_diff(root, state.name).encode("utf-8"))
            done["kept"].append(state.name)
            continue  # still pending: reported again until taken or kept
        elif state.status == "edited":
            continue
        taken[state.name] = _sha(template)
    _write_state(root, taken)
    return done


def pending_notebooks(root: Path) -> list[str]:
    """Notebooks the template changed since they were last taken (for `check`)."""
    if not (root / TEMPLATE_NOTEBOOKS).is_dir():
        return []
    return [s.name for s in notebook_states(root) if s.status in ("refresh", "conflict")]


def print_template_status(root: Path) -> None:
    """`check`'s lines on the template: behind or not, and notebooks waiting for `sync-notebooks`."""
    status = template_status(root)
    if status:
        print(status)
    pending = pending_notebooks(root)
    if pending:
        print(f"notebooks: the template changed {', '.join(pending)} since they were taken; "
              f"`{COMMAND} sync-notebooks` refreshes the ones you did not edit")


def report_sync(done: dict[str, list[str]]) -> str:
    """What `sync-notebooks` did, one line per kind of change."""
    lines = []
    if done["refreshed"]:
        lines.append(f"refreshed from the template (you had not edited them): {', '.join(done['refreshed'])}")
    if done["taken"]:
        lines.append(f"replaced by the template's version: {', '.join(done['taken'])} "
                     f"(your copies saved as {UPDATES}/<name>.yours.ipynb)")
    if done["reconciled"]:
        lines.append(f"kept as you edited them, marked as seen: {', '.join(done['reconciled'])}")
    if done["kept"]:
        lines.append(f"kept as you edited them: {', '.join(done['kept'])}; the template's changes are in "
                     f"{TEMPLATE_NOTEBOOKS}/ and the difference in {UPDATES}/<name>.diff; merge by hand, then "
                     f"`sync-notebooks --keep NN`, or take the template's with `--take NN`")
    return "\n".join(lines) or "every notebook is up to date with the template"
