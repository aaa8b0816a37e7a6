"""A run folder as the notebooks see it: validated settings, data, split, artifacts, figures.

Notebooks talk to each other only through files written here — JSON artifacts and PNG
figures — never through hidden state. Writes are atomic, so an interrupted run never leaves a
half-written artifact behind.
"""

from __future__ import annotations

import os
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Any

from .config import Config, load_config, project_root
from .data import Dataset, load_dataset
from .errors import LabError
from .files import read_json, write_json
from .provenance import verify_inputs
from .splits import Split

ARTIFACTS = "artifacts"
FIGURES = "figures"


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
        return cls(directory.resolve(), cfg, project_root(config), command=__package__)

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
        """Save a matplotlib figure as PNG (no timestamps, so reruns give identical files)."""
        path = self.dir / FIGURES / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".png")
        os.close(fd)
        figure.savefig(tmp, dpi=110, bbox_inches="tight", metadata={"Software": None})
        os.replace(tmp, path)
        return path

    # data ------------------------------------------------------------------------------
    def input_hashes(self) -> dict[str, str]:
        """Verify every input file against data/manifest.yaml; return their sha256."""
        return verify_inputs(self.root, [self.cfg.data.path], self.command)

    @cached_property
    def data(self) -> Dataset:
        self.input_hashes()
        return load_dataset(self.cfg, self.root)

    def split(self) -> Split:
        """The split recorded by notebook 01, refused if the data changed since."""
        record = self.load_artifact("split")
        hashes = self.input_hashes()
        if record["data_sha256"] != hashes[self.cfg.data.path]:
            raise LabError(
                f"the split in {self.artifact_path('split')} was made from other data than "
                f"{self.cfg.data.path}; rerun notebook 01 (`{self.command} run --from 01`)"
            )
        return Split.from_dict(record["parts"], self.data.ids)

    def part(self, name: str):
        """Features and labels of one part of the split ('train' or 'tune')."""
        if name == "test":
            raise LabError("the test split is not opened here; only notebook 05 evaluates on it, once")
        rows = getattr(self.split(), name)
        return self.data.X.iloc[rows].reset_index(drop=True), self.data.y[rows]
