"""A folder of images and its label table read as the study's data (Tip 4)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...common.errors import LabError
from ...data.dataset import Dataset
from ...data.tables import read_table
from .store import image_parts


def read_image_labels(cfg, root: Path) -> pd.DataFrame:
    """The label table data.labels of an image study, one row per image file."""
    if not cfg.data.labels:
        raise LabError("lab.yaml field 'data.labels' is empty; an image study needs a table (CSV/TSV) of file name, "
                       "label and optional plate/site columns")
    return read_table(Path(root) / cfg.data.labels, cfg.data.labels)


def load_images(cfg, root: Path, task) -> Dataset:
    """Read, check and store the images of `data.path`; a Dataset whose X is an ImageFrame."""
    X, labels, files, groups, info = image_parts(cfg, root, read_image_labels(cfg, root), task)
    classes = task.classes(labels, cfg.data.positive_class, cfg.data.labels)
    return Dataset(X=X, y=labels, ids=files, groups=groups, classes=classes, source=cfg.data.path,
                   sequence_info=None, image_info=info)


def image_table(cfg, root: Path):
    """The label table, one row per image in file-name order (the order the images are read in)."""
    file_column = cfg.data.id_column or "file"
    table = read_image_labels(cfg, root).sort_values(file_column, kind="stable").reset_index(drop=True)
    return table, cfg.data.labels
