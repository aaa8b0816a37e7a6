"""A table of measurements read as the study's data: one row per sample, the target and features as columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...common.errors import LabError
from ...data.columns import require_column
from ...data.dataset import Dataset
from ...data.tables import read_table
from .checks import check_feature_columns


def table_places(n_rows: int) -> list[str]:
    """Row names of a table with one header line: 'line 2' for the first data row."""
    return [f"line {row + 2}" for row in range(n_rows)]


def load_table(cfg, root: Path, task) -> Dataset:
    """Read `data.path` and split it into features, target, ids and groups as `lab.yaml` says."""
    label = cfg.data.path
    frame = read_table(Path(root) / cfg.data.path, label, cfg.data.missing_values)
    require_column(frame, cfg.data.target, "data.target", label)
    y = task.target(frame[cfg.data.target], label, cfg.data.target, table_places(len(frame)))
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
    check_feature_columns(X, label)
    return Dataset(X=X, y=y, ids=ids, groups=groups, classes=task.classes(y, cfg.data.positive_class, label),
                   source=label)
