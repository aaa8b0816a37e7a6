"""A run folder as the notebooks see it: validated settings, data, split, artifacts, figures.

Notebooks talk to each other only through files written here — JSON artifacts and PNG
figures — never through hidden state. Writes are atomic, so an interrupted run never leaves a
half-written artifact behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from functools import cached_property
from pathlib import Path
from typing import Any

from ..common.errors import LabError
from ..common.files import out_of_space, read_json, sha256_bytes, space_message, write_atomic, write_json
from ..common.names import COMMAND
from ..data.dataset import Dataset
from ..data.loading import load_dataset
from ..data.provenance import verify_inputs
from ..modalities.registry import modality_for
from ..settings.config import Config, load_config, project_root
from ..splits.guards import changed_inputs
from ..splits.making import Split
from ..splits.split import split_file
from ..tasks.registry import task_for

ARTIFACTS = "artifacts"
FIGURES = "figures"
MODELS = "models"
TEST_AUDIT = "test_audit.jsonl"


class Run:
    """One run folder plus the settings it runs under."""

    def __init__(self, directory: Path, cfg: Config, root: Path, command: str):
        self.dir = directory
        self.cfg = cfg
        self.root = root
        self.command = command

    @classmethod
    def open(
        cls,
        run_dir: str | Path,
        config: str | Path = "../lab.yaml",
        profile: str | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> Run:
        """Open (creating if needed) a run folder with validated settings."""
        overrides = dict(overrides or {})
        if profile:
            overrides.setdefault("profile", profile)
        cfg = load_config(config, overrides)
        directory = Path(run_dir)
        for sub in (ARTIFACTS, FIGURES):
            (directory / sub).mkdir(parents=True, exist_ok=True)
        return cls(directory.resolve(), cfg, project_root(config), command=COMMAND)

    @property
    def task(self):
        """What the study predicts (tasks.registry): every task-specific step asks it."""
        return task_for(self.cfg)

    @property
    def modality(self):
        """The kind of data the study reads (modalities.registry): every modality-specific step asks it."""
        return modality_for(self.cfg)

    def take(self, X, y, limit: int, purpose: str):
        """X, y cut to at most `limit` rows (stratified as the task stratifies, seeded), with the record of which."""
        from ..evaluation.scale import take

        return take(X, y, limit, self.seed, purpose, self.task.stratify_labels)

    @property
    def budget(self):
        return self.cfg.budget

    @property
    def seed(self) -> int:
        return self.cfg.seed

    # artifacts -------------------------------------------------------------------------
    def artifact_path(self, name: str) -> Path:
        return self.dir / ARTIFACTS / f"{name}.json"

    def save_artifact(self, name: str, data: dict) -> Path:
        """Write a notebook's results for later notebooks and reports."""
        return write_json(self.artifact_path(name), data)

    def load_artifact(self, name: str) -> dict:
        """Read an earlier notebook's results, saying which notebook to run if they are missing."""
        path = self.artifact_path(name)
        if not path.is_file():
            notebook = name.split("_", 1)[0] if name[:2].isdigit() else "01"
            raise LabError(
                f"artifact '{name}' is missing from {self.dir}; run the notebook that writes it first "
                f"(`{self.command} run --from {notebook}`)"
            )
        return read_json(path)

    def save_figure(self, figure, name: str) -> Path:
        """Save a matplotlib figure as PNG (no timestamps, so reruns give identical files).

        Texts longer than a few words (e.g. a 5,000-character class name) are shortened first, so a
        tight bounding box cannot grow to tens of thousands of pixels.
        """
        from ..figures.figtext import shorten_figure_texts

        path = self.dir / FIGURES / f"{name}.png"
        shorten_figure_texts(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
        write_atomic(path, buffer.getvalue())
        return path

    def show(self, section):
        """Print a Section's lines, display its tables and figures, save the figures and write its artifact."""
        from IPython.display import display

        for line in section.lines:
            print(line)
        for table in section.tables:
            print(table) if isinstance(table, str) else display(table)
        for name, figure in section.figures:
            self.save_figure(figure, name)
            display(figure)
        if section.artifact:
            self.save_artifact(section.artifact, section.record)
        return section

    # data ------------------------------------------------------------------------------
    def input_hashes(self) -> dict[str, str]:
        """Verify every input file against data/manifest.yaml; return their sha256."""
        return verify_inputs(self.root, self.cfg.input_paths, self.command)

    @cached_property
    def data(self) -> Dataset:
        self.input_hashes()
        return load_dataset(self.cfg, self.root)

    def split(self) -> Split:
        """The split recorded by notebook 01, refused if the data changed since."""
        record = self.load_artifact("split")
        hashes = self.input_hashes()
        if changed_inputs(record, self.cfg, hashes):
            raise LabError(
                f"the split in {self.artifact_path('split')} was made from other data than "
                f"{' and '.join(hashes)} now hold; rerun notebook 01 (`{self.command} run --from 01`)"
            )
        return Split.from_dict(record["parts"], self.data.ids)

    def part(self, name: str):
        """Features and labels of one part of the split ('train' or 'tune')."""
        if name == "test":
            raise LabError("the test split is not opened here; only notebook 05 evaluates on it, once")
        rows = getattr(self.split(), name)
        return self.data.X.iloc[rows].reset_index(drop=True), self.data.y[rows]

    # the test gate ---------------------------------------------------------------------------
    def test_openings(self) -> list[dict]:
        """Every opening of the test split recorded in this run's audit log."""
        return read_jsonl(self.dir / TEST_AUDIT)

    def ledger_path(self) -> Path:
        """The project-wide record of test openings, kept next to the split file."""
        return self.root / split_file(self.cfg.data.path).with_suffix(".audit.jsonl")

    def settings_digest(self) -> str:
        """Short hash of every lab.yaml setting but the reopen reason: same digest = a reproduction."""
        settings = self.cfg.model_dump(mode="json")
        settings.pop("test_set", None)
        return hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8")).hexdigest()[:16]

    def open_test(self, model: str, reason: str, force_reason: str | None = None, notebook: str = "05_overfitting"):
        """Features and labels of the test split, through the one logged gate (Tip 7).

        The first opening in a run is allowed; a second one is refused unless `force_reason`
        says why. Each opening is appended to `<run>/test_audit.jsonl` and to the project's
        ledger next to the split file, so looks across runs stay visible.
        """
        if not str(reason or "").strip():
            raise LabError("open_test needs a reason (what is evaluated and why now); pass reason='…'")
        earlier = self.test_openings()
        if earlier and not (force_reason or "").strip():
            first = earlier[0]
            raise LabError(
                f"the test split of this run was already opened {len(earlier)} time(s) (first by {first['notebook']} "
                f"for {first['model']}, see {TEST_AUDIT}); to look again, give the reason in lab.yaml field "
                "'test_set.reopen_reason' (or force_reason=…) and it will be recorded"
            )
        rows = self.split().test
        record = self.load_artifact("split")
        X_test, y_test = self.data.X.iloc[rows].reset_index(drop=True), self.data.y[rows]
        entry = {
            "time": dt.datetime.now().isoformat(timespec="seconds"),
            "notebook": notebook,
            "model": model,
            "reason": reason,
            "forced": bool(earlier),
            "force_reason": force_reason if earlier else None,
        }
        ledger = {**entry, "run": self.dir.name, "settings": self.settings_digest(),
                  "test_sha256": record.get("test_sha256")}
        append_jsonl_together([(self.ledger_path(), ledger), (self.dir / TEST_AUDIT, entry)])
        return X_test, y_test

    def ledger_summary(self) -> dict:
        """Openings of this split's test set across the project, and under how many distinct settings.

        Identical settings are reproductions; each further distinct setting is one more look.
        """
        test = self.load_artifact("split").get("test_sha256")
        rows = [r for r in read_jsonl(self.ledger_path()) if r.get("test_sha256") == test]
        return {
            "file": self.ledger_path().relative_to(self.root).as_posix(),
            "openings": len(rows),
            "runs": len({r["run"] for r in rows}),
            "distinct_settings": len({r["settings"] for r in rows}),
        }

    # fitted models ---------------------------------------------------------------------------
    def save_models(self, models: dict[str, tuple[Any, dict]]) -> Path:
        """Write fitted models as `<run>/models/<family>.joblib` and list them in models/index.json.

        Each entry also describes the saved object itself (kind, layers, trainable parameters,
        epochs), which the model card and DOME report quote.
        """
        import joblib

        from ..models.modelfacts import describe_model

        index = {}
        for family, (model, params) in models.items():
            buffer = io.BytesIO()
            joblib.dump(model, buffer)
            data = buffer.getvalue()
            relpath = f"{MODELS}/{family}.joblib"
            write_atomic(self.dir / relpath, data)
            index[family] = {"file": relpath, "sha256": sha256_bytes(data), "params": params,
                             "description": describe_model(model, params)}
        return write_json(self.dir / MODELS / "index.json", {"models": index})


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSON-lines log; an absent file is an empty log."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def append_jsonl(path: Path, record: dict) -> None:
    """Append one record as one line in one write, so a log never holds half a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")


def append_jsonl_together(records: list[tuple[Path, dict]]) -> None:
    """Append one record to each log, all or none: a failed append undoes the ones already made.

    The test gate writes the project's ledger and the run's audit log; a look recorded in one but
    not the other would either hide a look or use up the run's one look for nothing.
    """
    done: list[tuple[Path, int | None]] = []
    try:
        for path, record in records:
            size = path.stat().st_size if path.exists() else None
            append_jsonl(path, record)
            done.append((path, size))
    except BaseException as exc:
        for path, size in reversed(done):
            if size is None:
                path.unlink(missing_ok=True)
            else:
                os.truncate(path, size)
        if out_of_space(exc):
            raise LabError(space_message(path, exc)) from None
        if isinstance(exc, PermissionError):
            raise LabError(f"{path} cannot be written, so the test split was not opened; make it writable "
                           f"(e.g. `chmod u+w {path.parent}`) and run again") from None
        raise
