"""The table an image study's models read: one row per image, pointing into a memory-mapped store.

Kept apart from reading and storing images (image_store.py) so that telling images from tables
(modalities.registry.modality_of) needs nothing but numpy and pandas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


class ImageFrame(pd.DataFrame):
    """Images as a table of (file, row): `row` points into the memory-mapped `store` (pixels.npy).

    `store` (the folder of pixels.npy and features.npy) travels with every row selection, so a model
    built from any part of the data reads the same pixels.
    """

    _metadata = ["store"]

    @property
    def _constructor(self):
        return ImageFrame

    @classmethod
    def of(cls, files, store):
        frame = cls({"file": pd.Series(list(files), dtype=object), "row": np.arange(len(files), dtype=np.int64)})
        frame.store = str(store)
        return frame

    def pixels(self) -> np.ndarray:
        """The selected images as a float32 array (n, channels, height, width), read from the memory map."""
        return np.asarray(open_pixels(self.store)[self["row"].to_numpy()])

    def features(self) -> np.ndarray:
        """The hand-crafted features of the selected images (computed once per store)."""
        return np.load(Path(self.store) / "features.npy")[self["row"].to_numpy()]

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(int(v) for v in open_pixels(self.store).shape[1:])

    @property
    def n_inputs(self) -> int:
        channels, height, width = self.image_shape
        return channels * height * width


def open_pixels(store) -> np.ndarray:
    return np.load(Path(store) / "pixels.npy", mmap_mode="r")
