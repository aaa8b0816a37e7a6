"""Images decoded once into a memory-mapped array, and the table that points into it (Tip 3: fast, exact reruns).

`load_images` reads the folder `data.path` with its label table `data.labels`, checks it, and keeps
the decoded pixels as `pixels.npy` (float32, n x channels x height x width) with the hand-crafted
features in `data/interim/images/<content hash>/`: later notebooks, runs and tune workers map the
same file instead of decoding again. Models see an ImageFrame, one row per image.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ...common.errors import LabError
from ...data.columns import require_column
from .frame import ImageFrame
from .reading import (
    apply_size_policy,
    check_channels,
    file_hashes,
    folder_sha256,
    image_files,
    match_table,
    read_image,
    saturation_warnings,
)

STORE_FOLDER = Path("data") / "interim" / "images"
STORE_VERSION = "1"


def image_parts(cfg, root: Path, table: pd.DataFrame, task):
    """Check and store the images of `data.path` listed in `table` (the label table data.labels).

    Returns (X, labels, files, groups, info): an ImageFrame over the decoded store, the target as `task`
    reads it, the file names, the group column's values (or None) and the store's record, in file-name order.
    """
    root = Path(root)
    folder = root / cfg.data.path
    if not folder.is_dir():
        raise LabError(f"{cfg.data.path} (lab.yaml field 'data.path') is not a folder of images; "
                       "put the PNG/TIFF files there or fix the path")
    file_column = cfg.data.id_column or "file"
    match_table(table, image_files(folder), file_column, cfg.data.labels, cfg.data.path)
    table = table.sort_values(file_column, kind="stable")
    places = [f"line {int(row) + 2}" for row in table.index]  # the table's own lines, for messages
    table = table.reset_index(drop=True)
    store, info = build_store(cfg, root, table[file_column].astype(str).tolist())
    require_column(table, cfg.data.target, "data.target", cfg.data.labels)
    labels = task.target(table[cfg.data.target], cfg.data.labels, cfg.data.target, places)
    groups = table[cfg.data.group_column].astype(str).to_numpy() if cfg.data.group_column else None
    if cfg.data.group_column and cfg.data.group_column not in table.columns:
        raise LabError(f"{cfg.data.labels} has no column '{cfg.data.group_column}' (lab.yaml field "
                       "'data.group_column'); add it or set the field to null")
    files = table[file_column].astype(str).to_numpy()
    return ImageFrame.of(files, store), labels, files, groups, info


def build_store(cfg, root: Path, files: list[str]) -> tuple[Path, dict]:
    """Decode the images once into data/interim/images/<key>/ (reused while files and settings match)."""
    folder = root / cfg.data.path
    hashes = file_hashes(folder)
    spec = cfg.image
    key_text = json.dumps([STORE_VERSION, folder_sha256(hashes), files, spec.size_policy, spec.size], sort_keys=True)
    import hashlib

    store = root / STORE_FOLDER / hashlib.sha256(key_text.encode()).hexdigest()[:16]
    if (store / "info.json").is_file():
        return store, json.loads((store / "info.json").read_text(encoding="utf-8"))
    images = [read_image(folder / name, f"{cfg.data.path}/{name}") for name in files]
    channels = check_channels(images, files, cfg.data.path)
    warnings = saturation_warnings(images, files, cfg.data.path, spec.saturated_share)
    stack, info = apply_size_policy(images, files, spec.size_policy, spec.size, cfg.data.path)
    from .features import image_features

    info.update(channels=channels, bit_depth=sorted({int(i.dtype.itemsize * 8) for i in images}),
                dtype=sorted({str(i.dtype) for i in images}), n_images=len(files), warnings=warnings,
                scale=float(max(np.iinfo(i.dtype).max if i.dtype.kind in "ui" else 1.0 for i in images)),
                folder_sha256=folder_sha256(hashes))
    stack /= info["scale"]  # intensities as a share of the bit depth's range
    _write_store(store, stack, image_features(stack), info)
    return store, info


def _write_store(store: Path, stack: np.ndarray, features: np.ndarray, info: dict) -> None:
    """Write the store in a temporary folder, then rename: parallel workers never read half a store."""
    store.parent.mkdir(parents=True, exist_ok=True)
    partial = store.with_name(f"{store.name}.partial-{os.getpid()}")
    partial.mkdir(parents=True, exist_ok=True)
    np.save(partial / "pixels.npy", stack.astype(np.float32))
    np.save(partial / "features.npy", features.astype(np.float64))
    (partial / "info.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    try:
        partial.rename(store)
    except OSError:  # another process finished first: its store is the same
        import shutil

        shutil.rmtree(partial, ignore_errors=True)
