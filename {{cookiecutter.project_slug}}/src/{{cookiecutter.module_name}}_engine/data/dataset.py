"""Load the study's table and check it can answer the question set in `lab.yaml`.

Problems a person can fix (missing column, one-class target, duplicate ids) are reported
before any model sees the data, each as one sentence naming the file, the field and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..common.errors import LabError
from ..settings.config import Config
from .columns import require_column

READERS = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": "\t"}
PARQUET = (".parquet", ".pq")


@dataclass(frozen=True)
class Dataset:
    """Features, labels and optional ids/groups of one study table."""

    X: pd.DataFrame
    y: np.ndarray
    ids: np.ndarray
    groups: np.ndarray | None
    classes: tuple[str, ...]
    source: str
    # sequences only: the length policy applied ({"policy", "length", "shortest", "longest", …})
    sequence_info: dict | None = None
    # images only: size policy, channels, bit depth and warnings of the image store
    image_info: dict | None = None

    @property
    def feature_names(self) -> list[str]:
        return list(self.X.columns)

    @property
    def n_features(self) -> int:
        """Inputs per sample: the table's columns, or for sequences one per letter and position."""
        from ..models.preprocess import is_images

        if is_images(self.X):  # images: pixels per image, all channels
            return int(self.X.n_inputs)
        if self.sequence_info is None:
            return int(self.X.shape[1])
        from ..modalities.sequence.fasta import coding_letters

        return int(self.X.length) * len(coding_letters(self.X.alphabet))


def read_table(path: Path, label: str, missing_values: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file; `label` is how the file is named in messages."""
    suffix = path.suffix.lower()
    if suffix not in READERS and suffix not in PARQUET:
        raise LabError(
            f"{label} has extension '{suffix}', which is not a table format this study reads; "
            "save it as .csv, .tsv or .parquet and update data.path in lab.yaml"
        )
    if not path.is_file():
        raise LabError(f"{label} (lab.yaml field 'data.path') does not exist; put the file there or fix the path")
    if path.stat().st_size == 0:
        raise LabError(f"{label} is empty; replace it with the full table")
    frame = _read_parquet(path, label) if suffix in PARQUET else _read_delimited(path, label, suffix, missing_values)
    if frame.empty or frame.shape[1] < 2:
        raise LabError(f"{label} holds no rows or only one column; check the file and its delimiter")
    return frame


def _read_delimited(path: Path, label: str, suffix: str, missing_values: list[str] | None = None) -> pd.DataFrame:
    try:
        return pd.read_csv(path, sep=READERS[suffix], na_values=list(missing_values or []) or None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise LabError(
            f"{label} could not be read as {suffix[1:].upper()} ({reason}); check its delimiter and encoding"
        ) from None


def _read_parquet(path: Path, label: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise LabError(
            f"{label} could not be read as Parquet ({reason}); export the table again or save it as .csv"
        ) from None


def _target(frame: pd.DataFrame, cfg: Config, label: str) -> np.ndarray:
    column = cfg.data.target
    require_column(frame, column, "data.target", label)
    values = frame[column]
    if cfg.task == "regression":
        from ..tasks.regression.target import numeric_target, table_places

        return numeric_target(values, label, column, table_places(len(values)))
    if values.isna().any():
        rows = [int(row) + 2 for row in np.flatnonzero(values.isna().to_numpy())[:5]]
        raise LabError(
            f"{label}: target column '{column}' is empty on line(s) {rows}; fill in those labels or remove the rows"
        )
    labels = values.astype(str).to_numpy()
    if len(set(labels)) < 2:
        raise LabError(
            f"{label}: target column '{column}' holds a single class ('{labels[0]}'); "
            "a classifier needs at least two, so check data.target in lab.yaml or the file"
        )
    return labels


def class_order(labels: np.ndarray, positive: str | None, label: str) -> tuple[str, ...]:
    """Sorted class names with the positive class last, so binary scores refer to it."""
    classes = sorted(set(labels))
    if positive is not None:
        if positive not in classes:
            raise LabError(
                f"lab.yaml field 'data.positive_class' is '{positive}', which is not a class in {label} "
                f"(classes: {', '.join(classes)}); set it to one of them or to null"
            )
        classes.remove(positive)
        classes.append(positive)
    return tuple(classes)


def load_dataset(cfg: Config, root: Path) -> Dataset:
    """Read `data.path` and split it into features, target, ids and groups as `lab.yaml` says."""
    if cfg.modality == "sequence":
        return load_sequences(cfg, root)
    if cfg.modality == "image":
        return load_images(cfg, root)
    label = cfg.data.path
    frame = read_table(root / cfg.data.path, label, cfg.data.missing_values)
    y = _target(frame, cfg, label)
    drop = [cfg.data.target]
    if cfg.data.id_column:
        require_column(frame, cfg.data.id_column, "data.id_column", label)
        ids = frame[cfg.data.id_column].astype(str).to_numpy()
        dupes = pd.Series(ids)[pd.Series(ids).duplicated()].unique()[:5]
        if len(dupes):
            raise LabError(
                f"{label}: id column '{cfg.data.id_column}' repeats ids {list(dupes)}; ids must be unique — "
                "if rows share a subject, name that column as data.group_column instead"
            )
        drop.append(cfg.data.id_column)
    else:
        ids = np.array([f"row-{i}" for i in range(len(frame))])
    groups = None
    if cfg.data.group_column:
        require_column(frame, cfg.data.group_column, "data.group_column", label)
        groups = frame[cfg.data.group_column].astype(str).to_numpy()
        drop.append(cfg.data.group_column)
    if not cfg.data.metadata_as_inputs:  # how samples came is checked as a shortcut (06), not learned from
        drop += [c for c in cfg.data.metadata_columns if c in frame.columns and c not in drop]
    X = frame.drop(columns=drop)
    if X.shape[1] == 0:
        raise LabError(
            f"{label} has no feature columns besides the target, id, group and metadata columns; add measurements"
        )
    from ..modalities.tabular.checks import check_feature_columns

    check_feature_columns(X, label)
    return Dataset(
        X=X,
        y=y,
        ids=ids,
        groups=groups,
        classes=() if cfg.task == "regression" else class_order(y, cfg.data.positive_class, label),
        source=label,
    )


# sequences -----------------------------------------------------------------------------------
def _sequence_parts(cfg: Config, root: Path):
    """FASTA records (alphabet checked), labels, groups and the side table's other columns in FASTA order."""
    from ..modalities.sequence.fasta import check_alphabet, read_fasta
    from ..modalities.sequence.labels import resolve_labels

    records = read_fasta(root / cfg.data.path, cfg.data.path)
    check_alphabet(records, cfg.sequence.alphabet, cfg.data.path)
    table = read_table(root / cfg.data.labels, cfg.data.labels) if cfg.data.labels else None
    labels, groups, extra = resolve_labels(
        records, table, id_column=cfg.data.id_column or "id", target=cfg.data.target,
        group_column=cfg.data.group_column, fasta_label=cfg.data.path, table_label=cfg.data.labels or "",
    )
    return records, labels, groups, extra


def load_sequences(cfg: Config, root: Path) -> Dataset:
    """Read a FASTA file (labels in its headers or in the side table `data.labels`) as a Dataset.

    X is a SequenceFrame with one column, "sequence", after the length policy of `lab.yaml`
    (`sequence.length_policy`, `sequence.length`); that policy is kept in `sequence_info`.
    """
    from ..modalities.sequence.fasta import apply_length_policy
    from ..models.preprocess import SequenceFrame

    records, labels, groups, _ = _sequence_parts(cfg, root)
    ids = np.array([record.id for record in records])
    sequences, info = apply_length_policy(
        ids, [record.sequence for record in records], cfg.sequence.length_policy, cfg.sequence.length, cfg.data.path
    )
    X = SequenceFrame.of(sequences, cfg.sequence.alphabet, info["length"], cfg.sequence.kmer)
    if cfg.task == "regression":
        from ..tasks.regression.target import numeric_target, sequence_places

        y = numeric_target(labels, cfg.data.labels or cfg.data.path, cfg.data.target, sequence_places(ids))
        return Dataset(X=X, y=y, ids=ids, groups=groups, classes=(), source=cfg.data.path, sequence_info=info)
    if len(set(labels)) < 2:
        raise LabError(
            f"{cfg.data.path}: every sequence has the label '{labels[0]}'; a classifier needs at least two classes, "
            "so check the labels (data.labels or the >id|label headers)"
        )
    return Dataset(
        X=X, y=np.asarray(labels).astype(str), ids=ids, groups=groups,
        classes=class_order(np.asarray(labels), cfg.data.positive_class, cfg.data.labels or cfg.data.path),
        source=cfg.data.path, sequence_info=info,
    )


def sample_table(cfg: Config, root: Path) -> tuple[pd.DataFrame, str]:
    """Every column known per sample, one row per sample in data order, and the file it came from.

    Tables: the data file itself. Sequences: the side table `data.labels` aligned to the FASTA
    order (no columns when labels come from the headers).
    """
    if cfg.modality == "image":
        file_column = cfg.data.id_column or "file"
        table = read_image_labels(cfg, root).sort_values(file_column, kind="stable").reset_index(drop=True)
        return table, cfg.data.labels
    if cfg.modality != "sequence":
        return read_table(root / cfg.data.path, cfg.data.path, cfg.data.missing_values), cfg.data.path
    _, _, _, extra = _sequence_parts(cfg, root)
    return extra.reset_index(drop=True), cfg.data.labels or cfg.data.path


def read_image_labels(cfg: Config, root: Path) -> pd.DataFrame:
    """The label table data.labels of an image study, one row per image file."""
    if not cfg.data.labels:
        raise LabError("lab.yaml field 'data.labels' is empty; an image study needs a table (CSV/TSV) of file name, "
                       "label and optional plate/site columns")
    return read_table(Path(root) / cfg.data.labels, cfg.data.labels)


def load_images(cfg: Config, root: Path) -> Dataset:
    """Read, check and store the images of `data.path`; a Dataset whose X is an ImageFrame."""
    from ..modalities.image.store import image_parts

    X, labels, files, groups, info = image_parts(cfg, root, read_image_labels(cfg, root))
    regression = getattr(cfg, "task", "classification") == "regression"
    classes = () if regression else class_order(labels, cfg.data.positive_class, cfg.data.labels)
    return Dataset(X=X, y=labels, ids=files, groups=groups, classes=classes, source=cfg.data.path,
                   sequence_info=None, image_info=info)
