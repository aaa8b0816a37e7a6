"""Simulated two-channel fluorescence images of cells with a planted site artefact (the built-in image study).

Channel 0 is a nuclear stain; channel 1 a marker that sits in the nucleus ('nuclear') or in a ring
of cytoplasm around it ('cytoplasmic') — the phenotype a model should learn. Half the imaging sites
are brighter and vignetted (dark corners) and hold mostly 'cytoplasmic' cells (`artefact_share`),
the others mostly 'nuclear' ones (`other_share` cytoplasmic): site and brightness are a shortcut
a model can take instead of the phenotype, which notebooks 01 and 06 must find. Only numpy's seeded PCG64
generator draws, so the same settings give the same files on every machine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import LabError

SIMULATOR_VERSION = "1.0"
CLASSES = ("cytoplasmic", "nuclear")
GENERATOR = "simulate_images.simulate_cells"
DEFAULTS = {
    "n_plates": 4, "sites_per_plate": 4, "images_per_site": 20, "size": 64, "cells": [2, 5],
    "artefact_sites": ["P1-S1", "P1-S3", "P2-S2", "P2-S4", "P3-S1", "P3-S2", "P4-S3", "P4-S4"],
    "artefact_share": 0.9, "other_share": 0.25, "artefact_gain": 1.35,
    "vignetting": 0.5, "noise": 0.03, "seed": 42,
}


def simulate_cells(**settings) -> tuple[np.ndarray, pd.DataFrame, dict]:
    """Images (n, 2, size, size) uint16, their table (file, label, plate, site, artefact) and the settings used."""
    params = {**DEFAULTS, **settings}
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise LabError(f"simulate_cells has no setting {', '.join(unknown)}; use {', '.join(DEFAULTS)}")
    if int(params["size"]) < 24 or int(params["images_per_site"]) < 2:
        raise LabError("simulate_cells needs size of at least 24 pixels and at least 2 images per site")
    rng = np.random.default_rng(int(params["seed"]))
    images, rows = [], []
    for plate in range(1, int(params["n_plates"]) + 1):
        for site in range(1, int(params["sites_per_plate"]) + 1):
            name = f"P{plate}-S{site}"
            artefact = name in params["artefact_sites"]
            share = float(params["artefact_share"] if artefact else params["other_share"])
            for index in range(int(params["images_per_site"])):
                label = CLASSES[0] if rng.random() < share else CLASSES[1]
                image = _draw_image(rng, label, params, artefact)
                if rng.random() < float(params["noise"]):
                    label = CLASSES[1] if label == CLASSES[0] else CLASSES[0]
                images.append(image)
                rows.append({"file": f"{name}_{index:03d}.tif", "label": label, "plate": f"P{plate}", "site": name,
                             "artefact": artefact})
    table = pd.DataFrame(rows)
    params = {**params, "simulator_version": SIMULATOR_VERSION, "n_images": len(table),
              "counts": {k: int(v) for k, v in table["label"].value_counts().sort_index().items()},
              "random_generator": "numpy.random.default_rng (PCG64)"}
    return np.stack(images), table, params


def _draw_image(rng, label, params, artefact):
    size = int(params["size"])
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    nucleus, marker = np.zeros((size, size)), np.zeros((size, size))
    low, high = params["cells"]
    for _ in range(int(rng.integers(low, high + 1))):
        cy, cx = rng.uniform(8, size - 8, 2)
        radius_y, radius_x = rng.uniform(3.5, 6.0, 2)
        angle = rng.uniform(0, np.pi)
        dy, dx = yy - cy, xx - cx
        u = (dx * np.cos(angle) + dy * np.sin(angle)) / radius_x
        v = (-dx * np.sin(angle) + dy * np.cos(angle)) / radius_y
        r = np.sqrt(u**2 + v**2)
        inside = r <= 1.0
        nucleus[inside] += rng.uniform(0.55, 0.8)
        if label == "nuclear":
            marker[inside] += rng.uniform(0.4, 0.6)
        else:
            ring = (r > 1.15) & (r <= 2.0)
            marker[ring] += rng.uniform(0.3, 0.45)
    stack = np.stack([_blur(nucleus), _blur(marker)]) + 0.08
    if artefact:
        distance = ((yy - size / 2) ** 2 + (xx - size / 2) ** 2) / (2 * (size / 2) ** 2)
        stack = stack * float(params["artefact_gain"]) * (1.0 - float(params["vignetting"]) * distance)
    stack = stack + rng.normal(0.0, 0.02, stack.shape)
    return np.clip(stack * 20000, 0, 65535).astype(np.uint16)


def _blur(image):
    """3x3 mean filter (edges repeated): soft cell borders without any library's version-dependent filter."""
    padded = np.pad(image, 1, mode="edge")
    height, width = image.shape
    return sum(padded[dy : dy + height, dx : dx + width] for dy in range(3) for dx in range(3)) / 9.0


def write_cells(folder: Path, table_path: Path, **settings) -> dict:
    """Write the simulated images as one uncompressed two-channel TIFF each, and their label table; return settings."""
    import tifffile

    images, table, params = simulate_cells(**settings)
    folder.mkdir(parents=True, exist_ok=True)
    for image, name in zip(images, table["file"], strict=True):
        tifffile.imwrite(folder / name, image, photometric="minisblack", metadata=None)
    table.drop(columns=["artefact"]).to_csv(table_path, index=False, lineterminator="\n")
    return params


def restore_builtin(root: Path, source) -> bool:
    """Regenerate a missing simulated image folder (and its table) from the manifest's generator settings.

    The built-in image set is not shipped as files: it is drawn again from its recorded settings,
    and the manifest's sha256 then checks that the same files came out. False when `source` was not
    made by this generator.
    """
    generator = getattr(source, "generator", None) or {}
    if generator.get("name") != GENERATOR:
        return False
    params = dict(generator.get("params") or {})
    settings = {key: params[key] for key in DEFAULTS if key in params}
    table = params.get("table")
    if not table:
        raise LabError(f"data/manifest.yaml: the entry of {source.path} names no 'table' under generator.params; "
                       "add the label table's path")
    write_cells(Path(root) / source.path, Path(root) / table, **settings)
    return True
