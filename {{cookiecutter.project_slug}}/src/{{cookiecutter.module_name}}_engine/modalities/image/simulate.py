"""Simulated two-channel fluorescence images of cells with a planted site artefact (the built-in image study).

Channel 0 is a nuclear stain; channel 1 a marker that sits in the nucleus ('nuclear') or in a ring
of cytoplasm around it ('cytoplasmic') — the phenotype a model should learn. Half the imaging sites
are brighter and vignetted (dark corners) and hold mostly 'cytoplasmic' cells (`artefact_share`),
the others mostly 'nuclear' ones (`other_share` cytoplasmic): site and brightness are a shortcut
a model can take instead of the phenotype, which notebooks 01 and 06 must find. Only numpy's seeded PCG64
generator draws, so the same settings give the same files on every machine.

`simulate_translocation` is the regression study: each cell holds a share of the marker in its
nucleus and the rest in the cytoplasm around it (a translocation assay), and each image's target is
the measured nuclear share of the marker (0-1). Artefact sites hold images of higher translocation
(`level_artefact` against `level_other`), so the site and its brightness again stand in for the biology.
Switching the artefact off (`artefact_gain: 1`, `vignetting: 0`) leaves every image alike in how it
was taken, which the shortcut checks must then not flag.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...common.errors import LabError

SIMULATOR_VERSION = "1.0"
CLASSES = ("cytoplasmic", "nuclear")
GENERATOR = "simulate_images.simulate_cells"
TRANSLOCATION = "simulate_images.simulate_translocation"
TARGET = "nuclear_share"  # the regression study's target column: share of the marker's intensity in nuclei
DEFAULTS = {
    "n_plates": 4, "sites_per_plate": 4, "images_per_site": 20, "size": 64, "cells": [2, 5],
    "artefact_sites": ["P1-S1", "P1-S3", "P2-S2", "P2-S4", "P3-S1", "P3-S2", "P4-S3", "P4-S4"],
    "artefact_share": 0.9, "other_share": 0.25, "artefact_gain": 1.35,
    "vignetting": 0.5, "artefact_offset": 0.05, "noise": 0.03, "seed": 42,
}
TRANSLOCATION_DEFAULTS = {
    "n_plates": 4, "sites_per_plate": 4, "images_per_site": 20, "size": 64, "cells": [2, 5],
    "artefact_sites": DEFAULTS["artefact_sites"], "level_artefact": 0.7, "level_other": 0.3, "level_sd": 0.12,
    "cell_sd": 0.08, "artefact_gain": 1.35, "vignetting": 0.5, "artefact_offset": 0.05, "measurement_sd": 0.02,
    "seed": 42,
}
RING_TO_NUCLEUS_AREA = 4.0 - 1.15**2  # the cytoplasm ring (1.15 to 2 radii) over the nucleus (1 radius)


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


def _elliptic_radius(rng, yy, xx, size):
    """One cell's elliptic distance from its drawn centre, radii and angle at every pixel (1 on the nucleus' edge)."""
    cy, cx = rng.uniform(8, size - 8, 2)
    radius_y, radius_x = rng.uniform(3.5, 6.0, 2)
    angle = rng.uniform(0, np.pi)
    dy, dx = yy - cy, xx - cx
    u = (dx * np.cos(angle) + dy * np.sin(angle)) / radius_x
    v = (-dx * np.sin(angle) + dy * np.cos(angle)) / radius_y
    return np.sqrt(u**2 + v**2)


def _draw_image(rng, label, params, artefact):
    size = int(params["size"])
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    nucleus, marker = np.zeros((size, size)), np.zeros((size, size))
    low, high = params["cells"]
    for _ in range(int(rng.integers(low, high + 1))):
        r = _elliptic_radius(rng, yy, xx, size)
        inside = r <= 1.0
        nucleus[inside] += rng.uniform(0.55, 0.8)
        if label == "nuclear":
            marker[inside] += rng.uniform(0.4, 0.6)
        else:
            ring = (r > 1.15) & (r <= 2.0)
            marker[ring] += rng.uniform(0.3, 0.45)
    return _finish(rng, nucleus, marker, params, artefact)


def _finish(rng, nucleus, marker, params, artefact):
    """Blur, background, the site artefact (gain and vignetting) on artefact sites, camera noise; 16-bit."""
    size = nucleus.shape[0]
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    stack = np.stack([_blur(nucleus), _blur(marker)]) + 0.08
    if artefact:
        distance = ((yy - size / 2) ** 2 + (xx - size / 2) ** 2) / (2 * (size / 2) ** 2)
        stack = stack * float(params["artefact_gain"]) * (1.0 - float(params["vignetting"]) * distance)
        stack = stack + float(params["artefact_offset"])  # a brighter background (stray light, autofluorescence)
    stack = stack + rng.normal(0.0, 0.02, stack.shape)
    return np.clip(stack * 20000, 0, 65535).astype(np.uint16)


def simulate_translocation(**settings) -> tuple[np.ndarray, pd.DataFrame, dict]:
    """Images (n, 2, size, size) uint16, their table (file, nuclear_share, plate, site, artefact) and the settings.

    Each image draws a translocation level (its site's mean, `level_artefact` or `level_other`, with
    spread `level_sd`); each cell's nuclear share varies around it (`cell_sd`). The target is the
    share of all marker intensity that lies inside nuclei, measured on the drawn marker plane before
    blur, artefact and camera noise, plus a measurement error of sd `measurement_sd`.
    """
    params = {**TRANSLOCATION_DEFAULTS, **settings}
    unknown = sorted(set(settings) - set(TRANSLOCATION_DEFAULTS))
    if unknown:
        raise LabError(f"simulate_translocation has no setting {', '.join(unknown)}; "
                       f"use {', '.join(TRANSLOCATION_DEFAULTS)}")
    if int(params["size"]) < 24 or int(params["images_per_site"]) < 2:
        raise LabError("simulate_translocation needs size of at least 24 pixels and at least 2 images per site")
    rng = np.random.default_rng(int(params["seed"]))
    images, rows = [], []
    for plate in range(1, int(params["n_plates"]) + 1):
        for site in range(1, int(params["sites_per_plate"]) + 1):
            name = f"P{plate}-S{site}"
            artefact = name in params["artefact_sites"]
            mean = float(params["level_artefact"] if artefact else params["level_other"])
            for index in range(int(params["images_per_site"])):
                level = float(np.clip(rng.normal(mean, float(params["level_sd"])), 0.02, 0.98))
                image, share = _draw_translocation(rng, level, params, artefact)
                share = float(np.clip(share + rng.normal(0.0, float(params["measurement_sd"])), 0.0, 1.0))
                images.append(image)
                rows.append({"file": f"{name}_{index:03d}.tif", TARGET: round(float(share), 4), "plate": f"P{plate}",
                             "site": name, "artefact": artefact})
    table = pd.DataFrame(rows)
    params = {**params, "simulator_version": SIMULATOR_VERSION, "n_images": len(table), "target": TARGET,
              "target_mean": round(float(table[TARGET].mean()), 4), "target_sd": round(float(table[TARGET].std()), 4),
              "random_generator": "numpy.random.default_rng (PCG64)"}
    return np.stack(images), table, params


def _draw_translocation(rng, level, params, artefact):
    """One image and its measured nuclear share: nuclei with share f of each cell's marker, the ring with 1 - f."""
    size = int(params["size"])
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    nucleus, marker = np.zeros((size, size)), np.zeros((size, size))
    nuclei = np.zeros((size, size), bool)
    low, high = params["cells"]
    for _ in range(int(rng.integers(low, high + 1))):
        r = _elliptic_radius(rng, yy, xx, size)
        inside = r <= 1.0
        nucleus[inside] += rng.uniform(0.55, 0.8)
        share = float(np.clip(rng.normal(level, float(params["cell_sd"])), 0.02, 0.98))
        amount = 0.6 * rng.uniform(0.8, 1.2)
        marker[inside] += share * amount
        marker[(r > 1.15) & (r <= 2.0)] += (1.0 - share) * amount / RING_TO_NUCLEUS_AREA
        nuclei |= inside
    measured = float(marker[nuclei].sum() / max(marker.sum(), 1e-12))
    return _finish(rng, nucleus, marker, params, artefact), measured


def _blur(image):
    """3x3 mean filter (edges repeated): soft cell borders without any library's version-dependent filter."""
    padded = np.pad(image, 1, mode="edge")
    height, width = image.shape
    return sum(padded[dy : dy + height, dx : dx + width] for dy in range(3) for dx in range(3)) / 9.0


def write_cells(folder: Path, table_path: Path, generator=GENERATOR, **settings) -> dict:
    """Write the simulated images as one uncompressed two-channel TIFF each, and their label table; return settings.

    `generator` names the simulation (GENERATOR: classes; TRANSLOCATION: a measured nuclear share per image).
    """
    import tifffile

    images, table, params = GENERATORS[generator][0](**settings)
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
    if generator.get("name") not in GENERATORS:
        return False
    params = dict(generator.get("params") or {})
    settings = {key: params[key] for key in GENERATORS[generator["name"]][1] if key in params}
    table = params.get("table")
    if not table:
        raise LabError(f"data/manifest.yaml: the entry of {source.path} names no 'table' under generator.params; "
                       "add the label table's path")
    write_cells(Path(root) / source.path, Path(root) / table, generator["name"], **settings)
    return True


GENERATORS = {GENERATOR: (simulate_cells, DEFAULTS), TRANSLOCATION: (simulate_translocation, TRANSLOCATION_DEFAULTS)}
