"""What a finished run knows, read from its run.json and artifacts/*.json only.

Reports never scrape notebook output: every number they show comes from here. Artifacts are
read defensively, so a run that skipped a notebook (or an older run) still gives a report
that says plainly what was not recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..common.errors import LabError
from ..common.files import read_json
from ..common.names import COMMAND

MANIFEST = "run.json"
ARTIFACTS = "artifacts"
FIGURES = "figures"
MODELS_INDEX = Path("models") / "index.json"
PARTS = ("train", "tune", "test")


def read_json_file(path: Path, rerun_hint: str) -> dict:
    """A JSON mapping, or one sentence saying which file is broken and how to remake it."""
    try:
        data = read_json(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise LabError(f"{path} cannot be read ({exc.__class__.__name__}); {rerun_hint}") from None
    except json.JSONDecodeError as exc:
        raise LabError(f"{path} is not valid JSON (line {exc.lineno}); {rerun_hint}") from None
    if not isinstance(data, dict):
        raise LabError(f"{path} must hold a JSON object, not {type(data).__name__}; {rerun_hint}")
    return data


def project_metadata(root: Path | None) -> dict:
    """Title, authors, licence and version from the project's CITATION.cff, if it has one."""
    path = root / "CITATION.cff" if root else None
    if path is None or not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        raise LabError(f"{path} is not valid YAML; fix it so the report can name the authors and licence") from None
    return data if isinstance(data, dict) else {}


def find_project_root(run_dir: Path) -> Path | None:
    """The project folder holding this run (reports/runs/<run>/ sits three levels below it)."""
    for parent in run_dir.resolve().parents:
        if (parent / "lab.yaml").is_file():
            return parent
    return None


@dataclass
class RunFacts:
    """A run folder's manifest, artifacts, figures and the project's citation metadata."""

    run_dir: Path
    manifest: dict
    artifacts: dict[str, dict]
    figures: list[str]
    notebooks: list[str]
    project: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)
    command: str = field(default_factory=lambda: COMMAND)

    @classmethod
    def load(cls, run_dir: str | Path, root: Path | None = None) -> RunFacts:
        run_dir = Path(run_dir).resolve()
        command = COMMAND
        if not (run_dir / MANIFEST).is_file():
            raise LabError(
                f"{run_dir} is not a run folder (it has no {MANIFEST}); pass a folder under reports/runs/ "
                f"or make one with `{command} run`"
            )
        manifest = read_json_file(run_dir / MANIFEST, f"start a fresh run with `{command} run`")
        artifacts = {
            path.stem: read_json_file(path, f"rerun the notebook that writes it (`{command} run --from NN`)")
            for path in sorted((run_dir / ARTIFACTS).glob("*.json"))
        }
        models_path = run_dir / MODELS_INDEX
        models = read_json_file(models_path, f"rerun notebook 05 (`{command} run --from 05`)") if (
            models_path.is_file()) else {}
        figures = sorted(p.relative_to(run_dir).as_posix() for p in (run_dir / FIGURES).glob("*.png"))
        notebooks = sorted(p.stem for p in (run_dir / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        root = root if root is not None else find_project_root(run_dir)
        return cls(run_dir, manifest, artifacts, figures, notebooks, project_metadata(root), models, command)

    # generic access ----------------------------------------------------------------------
    def art(self, name: str) -> dict:
        """One artifact, or {} when this run did not record it."""
        value = self.artifacts.get(name)
        return value if isinstance(value, dict) else {}

    def has(self, name: str) -> bool:
        return name in self.artifacts

    def figures_of(self, prefix: str) -> list[str]:
        """Figures written by notebook `prefix` (e.g. "05"), in name order."""
        return [f for f in self.figures if Path(f).name.startswith(f"{prefix}_")]

    @property
    def parameters(self) -> dict:
        return _mapping(self.manifest.get("parameters"))

    @property
    def run_name(self) -> str:
        return str(self.manifest.get("run") or self.run_dir.name)

    # the study ---------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return str(self.project.get("title") or "Study report")

    @property
    def question(self) -> str | None:
        return self.art("00_question").get("question") or _mapping(self.parameters.get("study")).get("question")

    @property
    def hypothesis(self) -> str | None:
        return self.art("00_question").get("hypothesis") or _mapping(self.parameters.get("study")).get("hypothesis")

    @property
    def assessment(self) -> dict:
        return _mapping(self.art("00_question").get("assessment"))

    # data and split ----------------------------------------------------------------------
    @property
    def data_path(self) -> str | None:
        return _mapping(self.parameters.get("data")).get("path") or self.art("00_question").get("data")

    @property
    def sources(self) -> list[dict]:
        """Provenance records of the input files this study reads (data/manifest.yaml as notebook 01 saw it).

        Manifest entries of files the study does not use (such as a built-in example left in the
        manifest) are left out, so no document describes data the study never read.
        """
        entries = [entry for entry in self.art("01_data_provenance").get("manifest") or [] if isinstance(entry, dict)]
        used = self.input_paths
        return [entry for entry in entries if not used or str(entry.get("path")) in used]

    @property
    def input_paths(self) -> set[str]:
        """The data files the study read: notebook 01's checked inputs, else the data file of lab.yaml."""
        inputs = self.art("01_data_provenance").get("inputs")
        if isinstance(inputs, dict) and inputs:
            return {str(path) for path in inputs}
        return {str(self.data_path)} if self.data_path else set()

    @property
    def summary(self) -> dict:
        return _mapping(self.art("01_data_provenance").get("summary"))

    @property
    def class_counts(self) -> dict:
        return _mapping(self.summary.get("class_balance")) or _mapping(self.assessment.get("samples_per_class"))

    @property
    def n_samples(self) -> int | None:
        return self.summary.get("n_rows") or self.assessment.get("n_samples")

    @property
    def n_features(self) -> int | None:
        return self.assessment.get("n_features") or self.summary.get("n_columns")

    @property
    def positive_class(self) -> str | None:
        return _mapping(self.parameters.get("data")).get("positive_class")

    @property
    def sensitive(self) -> bool | None:
        value = self.art("07_ethics_register").get("sensitive_data")
        return value if value is not None else _mapping(self.parameters.get("data")).get("sensitive")

    @property
    def split_sizes(self) -> dict:
        sizes = _mapping(self.art("01_data_provenance").get("split_sizes"))
        if not sizes:
            parts = _mapping(self.art("split").get("parts"))
            sizes = {part: len(ids) for part, ids in parts.items() if isinstance(ids, list)}
        return {part: sizes[part] for part in PARTS if part in sizes}

    @property
    def split_classes(self) -> dict:
        """{part: {class: count}} in train/tune/test order."""
        by_part = _mapping(self.art("01_data_provenance").get("split_classes"))
        return {part: _mapping(by_part[part]) for part in PARTS if part in by_part}

    @property
    def split_record(self) -> dict:
        return self.art("split")

    @property
    def leakage(self) -> dict:
        """Offending ids per leakage check; groups crossing splits from older runs included."""
        found = {key: list(value) for key, value in _mapping(self.split_record.get("leakage")).items() if value}
        crossing = self.art("01_data_provenance").get("groups_crossing_splits") or []
        if crossing and "groups_crossing_splits" not in found:
            found["groups_crossing_splits"] = list(crossing)
        return found

    @property
    def data_warnings(self) -> list[dict]:
        """Data-quality warnings of notebook 01 as {check, message}."""
        provenance = self.art("01_data_provenance")
        raw = list(provenance.get("warnings") or []) + list(self.summary.get("warnings") or [])
        found = []
        for item in raw:
            entry = item if isinstance(item, dict) else {"check": "", "message": str(item)}
            if entry not in found:
                found.append(entry)
        return found

    # models ------------------------------------------------------------------------------
    @property
    def baselines(self) -> dict:
        return _mapping(self.art("02_baselines").get("models"))

    @property
    def architecture(self) -> dict:
        return _mapping(self.art("03_architecture").get("checks"))

    @property
    def tuning(self) -> dict:
        return self.art("04_tuning")

    @property
    def tuning_results(self) -> dict:
        return {k: v for k, v in _mapping(self.tuning.get("results")).items() if isinstance(v, dict)}

    @property
    def best_family(self) -> str | None:
        """The family notebook 04 ranks first (its own rule, including how ties are broken)."""
        recorded = self.tuning.get("best_family")
        if recorded or not self.tuning_results:
            return recorded
        usable = {k: v for k, v in self.tuning_results.items() if isinstance(v.get("best_score"), int | float)}
        if not usable:
            return None
        from ..tuning.results import best_family

        return best_family(usable)

    @property
    def score_name(self) -> str:
        return str(self.art("05_overfitting").get("score") or self.art("02_baselines").get("score") or "roc_auc")

    # overfitting and the test ------------------------------------------------------------
    @property
    def overfitting(self) -> dict:
        return self.art("05_overfitting")

    @property
    def gaps(self) -> dict:
        return {k: v for k, v in _mapping(self.overfitting.get("gaps")).items() if isinstance(v, dict)}

    @property
    def flagged(self) -> list[str]:
        return list(self.overfitting.get("flagged") or [k for k, v in self.gaps.items() if v.get("flagged")])

    @property
    def test(self) -> dict:
        return _mapping(self.overfitting.get("test"))

    @property
    def test_models(self) -> dict:
        return {k: _mapping(v) for k, v in _mapping(self.test.get("models")).items()}

    @property
    def task(self) -> str:
        """'classification' or 'regression': lab.yaml's task as the run recorded it."""
        return str(self.parameters.get("task") or self.overfitting.get("task")
                   or self.art("00_question").get("task") or "classification")

    @property
    def conformal(self) -> dict:
        """Notebook 05's split-conformal prediction intervals per finalist (regression), or {}."""
        return {k: v for k, v in _mapping(self.overfitting.get("conformal")).items() if isinstance(v, dict)}

    # interpretation and ethics -----------------------------------------------------------
    @property
    def interpretation(self) -> dict:
        return self.art("06_interpretation")

    @property
    def cautions(self) -> list[str]:
        found = [str(c) for c in self.interpretation.get("cautions") or []]
        single = self.interpretation.get("caution")
        if single and single not in found:
            found.append(str(single))
        return found

    @property
    def not_supported(self) -> list[str]:
        return [str(c) for c in self.interpretation.get("not_supported") or []]

    @property
    def ethics(self) -> dict:
        return self.art("07_ethics_register")

    @property
    def ethics_entries(self) -> list[dict]:
        entries = self.ethics.get("entries")
        return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []

    @property
    def open_entries(self) -> list[dict]:
        """Open register entries: from the full list where recorded, else the 'open' list."""
        if self.ethics_entries:
            return [e for e in self.ethics_entries if e.get("status") == "open"]
        return [e for e in self.ethics.get("open") or [] if isinstance(e, dict)]

    @property
    def blocking(self) -> list[str]:
        ids = self.ethics.get("blocking_open")
        if ids is None:
            ids = self.ethics.get("blocking") or []
        return [str(i) for i in ids]

    @property
    def model_files(self) -> dict:
        return {k: _mapping(v) for k, v in _mapping(self.models.get("models")).items()}

    # the author --------------------------------------------------------------------------
    @property
    def authors(self) -> list[dict]:
        return [a for a in self.project.get("authors") or [] if isinstance(a, dict)]

    @property
    def licence(self) -> str | None:
        return self.project.get("license")

    def rerun_hint(self, notebook: str) -> str:
        return f"`{self.command} run --from {notebook}`"


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}
