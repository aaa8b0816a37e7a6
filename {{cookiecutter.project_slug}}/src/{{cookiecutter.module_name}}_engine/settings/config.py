"""Read and validate `lab.yaml`, the one description of the study.

Every field is checked before anything runs; a problem becomes one sentence naming the file,
the field and the fix. `-p key=value` overrides are applied first and validated the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from ..common.errors import LabError, explain_field_error
from ..modalities.registry import modality_for, modality_names, settings_sections
from ..tasks.registry import DEFAULT_TASK, metric_names, task_for, task_named, task_names

CONFIG_NAME = "lab.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Study(_Strict):
    question: str = Field(min_length=1)
    hypothesis: str = ""


class DataSpec(_Strict):
    path: str = Field(min_length=1)
    labels: str | None = None  # sequences: side table (CSV/TSV) mapping id -> label (and group); null = FASTA headers
    target: str = Field(min_length=1)
    positive_class: str | None = None
    id_column: str | None = None
    # cell texts that mean "not measured" (e.g. ["n/a", "?"]): read as missing instead of stopping the run
    missing_values: list[str] = Field(default_factory=list)
    group_column: str | None = None
    sensitive: bool = False
    # Tips 9, 10: columns that describe how or from whom a sample came, not the biology.
    metadata_columns: list[str] = Field(default_factory=list)  # batch, site, sex, age … (shortcut check, 06)
    # Tables: metadata columns are left out of the models' inputs unless this is true (Tip 9: shortcuts).
    metadata_as_inputs: bool = False
    subgroup_columns: list[str] = Field(default_factory=list)  # groups whose performance is compared (07)


class SplitSpec(_Strict):
    train: float = Field(gt=0, lt=1)
    tune: float = Field(gt=0, lt=1)
    seed: int | None = Field(default=None, ge=0)  # the split's own seed; null = the study's `seed`
    target_bins: int = Field(default=5, ge=2, le=20)  # regression: quantile bins of the target the split keeps even

    @model_validator(mode="after")
    def _leaves_a_test_set(self) -> SplitSpec:
        if self.train + self.tune >= 1:
            raise ValueError(
                f"train + tune is {self.train + self.tune:g}, which leaves no test set; "
                "make their sum below 1"
            )
        return self

    @property
    def test(self) -> float:
        return round(1.0 - self.train - self.tune, 10)


class NetworkSpec(_Strict):
    hidden: list[int] = Field(min_length=1)
    learning_rate: float = Field(gt=0, le=1)
    batch_size: int = Field(gt=0)
    dropout: float = Field(ge=0, lt=1)
    optimizer: Literal["adam", "sgd"] = "adam"
    loss: Literal["mse", "huber"] | None = None  # regression only: null = mse
    # The sequence CNN's convolution (modality: sequence only): filters and their width in letters.
    channels: int | None = Field(default=None, gt=0)
    kernel_size: int | None = Field(default=None, gt=0)
    both_strands: bool | None = None  # DNA: each filter also scans the reverse complement; null = yes for dna

    @model_validator(mode="after")
    def _positive_widths(self) -> NetworkSpec:
        if any(width <= 0 for width in self.hidden):
            raise ValueError("every hidden layer width must be a positive whole number")
        if self.kernel_size is not None and self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd so a filter is centred on a letter, not {self.kernel_size}")
        return self


class Thresholds(_Strict):
    overfit_gap: float = Field(ge=0, le=1)
    samples_per_class: int = Field(gt=0)
    near_duplicate_sd: float = Field(default=0.01, ge=0)  # rows closer than this in every standardised feature
    confounding: float = Field(default=0.5, ge=0, le=1)  # chance-adjusted balanced accuracy of group → label


class Budget(_Strict):
    epochs: int = Field(gt=0)
    n_trials: int = Field(gt=0)
    permutation_repeats: int = Field(gt=0)
    shuffled_label_runs: int = Field(default=10, gt=0)  # label-permutation refits of the best baseline (notebook 05)
    shuffled_label_runs_network: int = Field(default=3, gt=0)  # the same for the network, which is slower
    bootstrap: int = Field(default=200, ge=20)  # resamples behind every 95% interval
    stability_seeds: int = Field(default=3, ge=2)  # network refits with other seeds (notebook 06)


class HeldOutSpec(_Strict):
    """The held-out test split is opened once per run; a second look needs a recorded reason (Tip 7)."""

    reopen_reason: str | None = None


class Interpretation(_Strict):
    """Settings of notebook 06: how readable the surrogate is and when rankings 'disagree'."""

    surrogate_depth: int = Field(default=3, ge=1, le=6)
    agreement_floor: float = Field(default=0.5, ge=-1, le=1)  # rank correlation below this is a caution


class Ethics(_Strict):
    """Thresholds at which notebook 07 raises an entry in the ethics register."""

    subgroup_gap: float = Field(default=0.1, ge=0, le=1)  # largest − smallest balanced accuracy
    subgroup_mae_gap: float = Field(default=0.25, ge=0)  # regression: (largest − smallest MAE) / overall MAE
    subgroup_min_count: int = Field(default=20, gt=0)  # fewer samples in a group: no metrics
    subgroup_bins: int = Field(default=3, ge=2, le=10)  # quantile bins for numeric subgroup columns
    min_test_samples: int = Field(default=100, gt=0)  # a smaller test set is flagged
    imbalance_ratio: float = Field(default=4.0, gt=1)  # largest / smallest class beyond this is flagged


TUNABLE_FAMILIES = (
    "logistic_regression",
    "random_forest",
    "k_nearest_neighbours",
    "naive_bayes",
    "svm",
    "ridge",  # regression only
    "network",
)
Family = Literal[
    "logistic_regression", "ridge", "random_forest", "k_nearest_neighbours", "naive_bayes", "svm", "network"
]


class TuningSpec(_Strict):
    """Which model families notebook 04 tunes (all with the same budget) and how."""

    families: list[Family] = Field(default_factory=lambda: list(task_named(None).families), min_length=1)
    metric: str | None = None  # the tune-split score the search maximises; null = the task's (roc_auc, r2)
    workers: int | Literal["auto"] = "auto"
    fixed: dict[str, dict[str, Any]] = Field(default_factory=dict)
    storage: str | None = None  # null = tuning.sqlite3 in the run folder; a journal or PostgreSQL URL shares studies
    sbatch_options: list[str] = Field(default_factory=list)  # extra #SBATCH lines of `tune --slurm`

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric: str | None) -> str | None:
        known = metric_names()
        if metric is not None and metric not in known:
            raise ValueError(f"must be one of {', '.join(known)}")
        return metric

    @field_validator("storage")
    @classmethod
    def _storage_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("sqlite:///", "journal://", "postgresql", "postgres://")):
            raise ValueError(
                "must be null, journal:///shared/folder/study.log, sqlite:///file or a postgresql:// URL"
            )
        return url

    @field_validator("sbatch_options")
    @classmethod
    def _sbatch_flags(cls, options: list[str]) -> list[str]:
        odd = [option for option in options if not option.startswith("-") or "\n" in option]
        if odd:
            raise ValueError(f"each option must be one sbatch flag such as --partition=short, not {odd[0]!r}")
        return options

    @field_validator("families")
    @classmethod
    def _no_repeats(cls, families: list[str]) -> list[str]:
        repeated = sorted({f for f in families if families.count(f) > 1})
        if repeated:
            raise ValueError(f"must list each family once ({', '.join(repeated)} appears twice)")
        return families

    @field_validator("workers", mode="before")
    @classmethod
    def _positive_workers(cls, workers: Any) -> Any:
        if workers != "auto" and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise ValueError("must be auto or a whole number of at least 1")
        return workers

    @field_validator("fixed", mode="before")
    @classmethod
    def _known_hyperparameters(cls, fixed: Any) -> Any:
        if not isinstance(fixed, dict):
            return fixed
        for family, params in fixed.items():
            if family not in TUNABLE_FAMILIES:
                raise ValueError(
                    f"model family '{family}' is not one that is tuned; use one of {', '.join(TUNABLE_FAMILIES)}"
                )
            if params is None:
                continue
            if not isinstance(params, dict):
                raise ValueError(f"the entry for {family} must map hyperparameter names to values")
            if params:
                from ..tuning.spaces import hyperparameter_names  # heavy (scikit-learn, torch); only when needed

                valid = hyperparameter_names(family)
                unknown = sorted(set(params) - set(valid))
                if unknown:
                    raise ValueError(
                        f"{family} has no hyperparameter {', '.join(map(repr, unknown))}; "
                        f"use one of {', '.join(valid)}"
                    )
        return {family: dict(params or {}) for family, params in fixed.items()}


class _StudySettings(_Strict):
    """Every section of lab.yaml but those a modality adds (see Config below)."""

    study: Study
    data: DataSpec
    modality: str  # a registered modality (modalities/registry.py)
    task: str = DEFAULT_TASK  # a registered task (tasks/registry.py)
    seed: int = Field(ge=0)
    device: str = "auto"  # where every network trains: auto | cpu | cuda | cuda:N | mps
    split: SplitSpec
    network: NetworkSpec
    thresholds: Thresholds
    profile: Literal["quick", "full"]
    profiles: dict[Literal["quick", "full"], Budget]
    test_set: HeldOutSpec = HeldOutSpec()
    interpretation: Interpretation = Field(default_factory=Interpretation)
    ethics: Ethics = Field(default_factory=Ethics)
    tuning: TuningSpec = Field(default_factory=TuningSpec)

    @field_validator("modality")
    @classmethod
    def _known_modality(cls, name: str) -> str:
        if name not in modality_names():
            raise ValueError(f"must be one of {', '.join(modality_names())}")
        return name

    @field_validator("task")
    @classmethod
    def _known_task(cls, name: str) -> str:
        if name not in task_names():
            raise ValueError(f"must be one of {', '.join(task_names())}")
        return name

    @field_validator("device")
    @classmethod
    def _known_device(cls, device: str) -> str:
        import re

        if not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", device):
            raise ValueError("must be auto, cpu, cuda, cuda:N (a GPU's number) or mps")
        return device

    @model_validator(mode="after")
    def _profile_defined(self) -> Config:
        if self.profile not in self.profiles:
            raise ValueError(f"profile '{self.profile}' has no budget under 'profiles'; add one")
        return self

    @model_validator(mode="after")
    def _modality_fields(self) -> Config:
        if problem := modality_for(self).settings_problem(self):
            raise ValueError(problem)
        return self

    @model_validator(mode="before")
    @classmethod
    def _task_defaults(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and isinstance(raw.get("task", DEFAULT_TASK), str) and \
                raw.get("task", DEFAULT_TASK) in task_names():
            return task_named(raw.get("task")).with_defaults(raw)
        return raw

    @model_validator(mode="after")
    def _task_fields(self) -> Config:
        if problem := task_for(self).settings_problem(self):
            raise ValueError(problem)
        return self

    @property
    def budget(self) -> Budget:
        """The budgets of the active profile."""
        return self.profiles[self.profile]

    @property
    def input_paths(self) -> list[str]:
        """The data files a run reads (each checked against data/manifest.yaml): the data and any side labels."""
        return [self.data.path, *([self.data.labels] if self.data.labels else [])]

    @property
    def split_seed(self) -> int:
        """The seed the split is made with: `split.seed`, or the study's `seed` when that is null."""
        return self.seed if self.split.seed is None else self.split.seed


# The sections modalities add (sequence:, image:), each with its defaults.
Config = create_model(
    "Config", __base__=_StudySettings, __doc__="The validated lab.yaml of one study.",
    **{name: (model, Field(default_factory=model)) for name, model in settings_sections().items()},
)


def parse_override(text: str) -> tuple[str, Any]:
    """Split a `-p key=value` option; the value is read as YAML (numbers, booleans, lists)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise LabError(f"option -p {text!r} is not key=value; write it like -p seed=7")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return key.strip(), value


def apply_overrides(raw: dict, overrides: dict[str, Any]) -> dict:
    """Return a copy of the raw settings with dotted-key overrides written in."""
    merged = _deep_copy(raw)
    for dotted, value in overrides.items():
        node = merged
        *parents, leaf = dotted.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                raise LabError(
                    f"option -p {dotted}=…: '{part}' is not a section of {CONFIG_NAME}; "
                    "check the key's spelling against lab.yaml"
                )
            node = child
        node[leaf] = value
    return merged


def _deep_copy(raw: Any) -> Any:
    if isinstance(raw, dict):
        return {key: _deep_copy(value) for key, value in raw.items()}
    if isinstance(raw, list):
        return [_deep_copy(value) for value in raw]
    return raw


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping, turning a missing file or a syntax error into one sentence."""
    if not path.is_file():
        raise LabError(f"{path} not found; run from the project folder or pass --config PATH")
    from ..common.yamlread import parse_mapping

    return parse_mapping(path.read_text(encoding="utf-8"), path.name)


def describe_error(error: dict, source: str, overrides: dict[str, Any]) -> str:
    """One validation error of lab.yaml, pointing at the -p option when that is where the value came from."""
    field = ".".join(str(part) for part in error["loc"])
    overridden = [key for key in overrides if field and (key == field or key.startswith(field + "."))]
    where = f"the option -p {overridden[0]}" if overridden else source
    return f"{source}: {explain_field_error(error, where)}"


def load_config(path: str | Path = CONFIG_NAME, overrides: dict[str, Any] | None = None) -> Config:
    """Load `lab.yaml`, apply `-p` overrides, and validate every field."""
    path = Path(path)
    overrides = dict(overrides or {})
    raw = apply_overrides(read_yaml(path), overrides)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")  # typos explain "missing"
        sentence = describe_error(errors[0], path.name, overrides)
        more = f" ({len(errors) - 1} more problem(s) after this one)" if len(errors) > 1 else ""
        raise LabError(sentence + more) from None


def project_root(config_path: str | Path) -> Path:
    """The project folder: the one holding `lab.yaml`; relative paths in it start there."""
    return Path(config_path).resolve().parent
