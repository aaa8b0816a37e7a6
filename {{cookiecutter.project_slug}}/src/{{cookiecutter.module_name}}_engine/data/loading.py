"""The study's data loaded the way lab.yaml's modality and task say (the registries pick the readers)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..modalities.registry import modality_for
from ..tasks.registry import task_for
from .dataset import Dataset


def load_dataset(cfg, root: Path) -> Dataset:
    """Read `data.path` (and `data.labels`) into features, target, ids and groups as `lab.yaml` says."""
    return modality_for(cfg).load(cfg, Path(root), task_for(cfg))


def sample_table(cfg, root: Path) -> tuple[pd.DataFrame, str]:
    """Every column known per sample, one row per sample in data order, and the file it came from."""
    return modality_for(cfg).sample_table(cfg, Path(root))
