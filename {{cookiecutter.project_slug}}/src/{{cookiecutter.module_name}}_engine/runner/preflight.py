"""Checks made before the first notebook starts, so a run never fails minutes in on something knowable.

Each names the file, the column or field, and the fix in one sentence: notebook files that are
missing or unreadable, `--from`/`--only` with no earlier run, classes too small to split,
homology settings the alphabet cannot use, folders a run cannot write. Very wide tables are not
refused but announced up front, since every notebook will be slow.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..common.errors import LabError
from ..modalities.registry import modality_for, modality_of
from ..tasks.registry import task_for

CONTRACT_NOTEBOOKS = (
    "00_question", "01_data_provenance", "02_baselines", "03_architecture",
    "04_tuning", "05_overfitting", "06_interpretation", "07_ethics_register",
)  # fmt: skip
WIDE_RATIO = 5  # more features than this many times the samples: warn
WIDE_FEATURES = 2_000  # … or more features than this, whatever the samples


def check_notebook_files(root: Path, notebooks_dir: str = "notebooks") -> None:
    """Every numbered notebook the protocol needs exists and is a readable notebook.

    The protocol's eight notebooks are expected when the folder holds any of them; a folder of
    other numbered notebooks is checked for readability only.
    """
    folder = root / notebooks_dir
    present = sorted(path.stem for path in folder.glob("[0-9][0-9]_*.ipynb"))
    expected = CONTRACT_NOTEBOOKS if set(present) & set(CONTRACT_NOTEBOOKS) else ()
    for stem in sorted(set(expected) | set(present)):
        path = folder / f"{stem}.ipynb"
        where = f"{notebooks_dir}/{stem}.ipynb"
        if not path.is_file():
            raise LabError(f"{where} is missing; restore it (e.g. `git checkout -- {where}`) before running")
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            if not isinstance(cells, list):
                raise ValueError("no list of cells")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            reason = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
            raise LabError(
                f"{where} is not a readable notebook ({reason}); restore it (e.g. `git checkout -- {where}`) "
                "or save it again from JupyterLab"
            ) from None


def check_resumable(selected: list[Path], discovered: list[Path], earlier_run: Path | None, command: str) -> None:
    """`--from NN` or `--only NN` past the first notebook needs an earlier run to continue."""
    if earlier_run is None and selected and selected[0] != discovered[0]:
        raise LabError(
            f"there is no earlier run under reports/runs/ for notebook {selected[0].name[:2]} to continue from; "
            f"run all notebooks first with `{command} run`"
        )


def check_class_sizes(cfg, data) -> None:
    """Every class large enough to appear in train, tune and test (refused here, not in notebook 01)."""
    from ..splits.making import check_class_sizes

    try:  # regression: the target's quantile bins, each made large enough to reach every part
        check_class_sizes(task_for(cfg).stratify_labels(data.y, cfg.split.target_bins), cfg.split.test, cfg.split.tune)
    except LabError as exc:
        raise LabError(f"{cfg.data.path}, target column '{cfg.data.target}': {exc}") from None


def strata_notice(cfg, data) -> str | None:
    """A notice when the split cannot keep the strata lab.yaml asks for (e.g. too few distinct target values)."""
    return task_for(cfg).strata_notice(cfg, data)


def check_homology(cfg, data) -> None:
    """What the modality can check before the first notebook (e.g. a usable k-mer length for related sequences)."""
    modality_for(cfg).preflight(cfg, data)


def _writable(folder: Path) -> bool:
    """True when a file can be created in `folder` (or in its nearest existing parent, if it is not there yet)."""
    while not folder.exists():
        folder = folder.parent
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-check.")
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def _appendable(path: Path) -> bool:
    if not path.exists():
        return True
    try:
        with open(path, "ab"):
            pass
    except OSError:
        return False
    return True


def check_writable(root: Path, cfg, run_dir: Path | None) -> None:
    """Every folder and log a run writes can be written, so no notebook finds out half-way (after the test look)."""
    from ..splits.split import split_file

    split = root / split_file(cfg.data.path)
    folders = [root / "reports" / "runs", split.parent, root / "ethics"]
    if run_dir is not None:
        folders += [run_dir, *(run_dir / sub for sub in ("artifacts", "figures", "notebooks", "models", "logs"))]
    files = [split.with_suffix(".audit.jsonl"), root / "ethics" / "register.yaml"]
    if run_dir is not None:
        files.append(run_dir / "test_audit.jsonl")
    for folder in folders:
        if not _writable(folder):
            where = os.path.relpath(folder, root)
            raise LabError(f"the folder {where} cannot be written; a run writes there, so make it writable "
                           f"(e.g. `chmod u+w {where}`) and run again")
    for path in files:
        if not _appendable(path):
            where = os.path.relpath(path, root)
            raise LabError(f"{where} cannot be written; a run records into it, so make it writable "
                           f"(e.g. `chmod u+w {where}`) and run again")


def wide_table_notice(data) -> str | None:
    """A warning for tables with far more features than samples, where every notebook runs long."""
    if modality_of(data.X).inputs_share_weights:  # letters, pixels: the network shares its weights across them
        return None
    n, p = len(data.y), data.n_features
    if p <= max(WIDE_RATIO * n, WIDE_FEATURES) and p <= 50 * WIDE_FEATURES:
        return None
    return (
        f"warning: {data.source} has {p:,} features for {n:,} samples; every notebook will run long (tens of "
        "minutes) and models can fit noise — consider selecting or summarising features first"
    )
