"""The study's data as every notebook reads it: features, target, ids and groups of one sample each.

Each modality's loader (modalities/<name>/loading.py) builds it; `data.loading.load_dataset` picks the
loader lab.yaml's modality registers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


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
        """Inputs per sample: the table's columns, or what the frame says (letters x positions, pixels)."""
        counted = getattr(type(self.X), "n_inputs", None)  # a frame that knows its inputs (letters, pixels)
        return int(self.X.n_inputs) if counted is not None else int(self.X.shape[1])
