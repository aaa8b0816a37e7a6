"""Read and check a folder of microscopy images (PNG or TIFF, 8- or 16-bit, one or more channels).

Each problem a person can fix (an image listed but missing, a file nobody listed, an unreadable
file, mixed sizes or channel counts) is one sentence naming the file, the field and the fix.
Images are returned as (channels, height, width) arrays in their own bit depth.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ...common.errors import LabError

IMAGE_SUFFIXES = (".png", ".tif", ".tiff")
SIZE_POLICIES = ("reject", "resize", "crop")


def image_files(folder: Path) -> list[str]:
    """Names of the image files directly in folder, sorted (other files are ignored)."""
    return sorted(p.name for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every image file in folder, by file name."""
    return {name: hashlib.sha256((Path(folder) / name).read_bytes()).hexdigest() for name in image_files(folder)}


def folder_sha256(hashes: dict[str, str]) -> str:
    """One content hash over a folder's files: sha256 of the sorted "name sha256" lines."""
    text = "".join(f"{name} {digest}\n" for name, digest in sorted(hashes.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def changed_files(recorded: dict[str, str], found: dict[str, str]) -> list[str]:
    """Files added, removed or changed between two {name: sha256} records, each as 'name (what)'."""
    names = sorted(set(recorded) | set(found))
    return [f"{n} ({'added' if n not in recorded else 'removed' if n not in found else 'changed'})"
            for n in names if recorded.get(n) != found.get(n)]


def read_image(path: Path, label: str) -> np.ndarray:
    """One image as a (channels, height, width) array of its own integer type; LabError if unreadable."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".tif", ".tiff"):
            import tifffile

            array = np.asarray(tifffile.imread(path))
        else:
            from PIL import Image

            with Image.open(path) as image:
                image.load()
                array = np.asarray(image)
    except Exception as error:  # noqa: BLE001 - every decoder error is the same user problem
        raise LabError(
            f"{label} could not be read as an image ({type(error).__name__}); it may be truncated or not a "
            "PNG/TIFF file, so export it again or remove it and its row in data.labels"
        ) from None
    return _channels_first(array, label)


def _channels_first(array, label):
    if array.ndim == 2:
        return array[None]
    if array.ndim == 3:
        # a few channels last (RGB, 2-channel) or first (planar TIFF): the short axis holds the channels
        return np.moveaxis(array, -1, 0) if array.shape[-1] <= 4 and array.shape[0] > 4 else array
    raise LabError(f"{label} holds an array of shape {array.shape}, not one 2-D image with channels; "
                   "save one plane (or one stack of channels) per file")


def match_table(table: pd.DataFrame, files: list[str], file_column: str, table_label: str, folder: str) -> None:
    """Refuse a table row without its image and an image without its row, naming the first few."""
    if file_column not in table.columns:
        raise LabError(
            f"{table_label} has no column '{file_column}' (lab.yaml field 'data.id_column') naming each image file; "
            f"add it or set data.id_column to the column that holds the file names (columns: "
            f"{', '.join(map(str, table.columns[:8]))})"
        )
    listed = table[file_column].astype(str)
    repeated = listed[listed.duplicated()].unique()[:3]
    if len(repeated):
        raise LabError(f"{table_label}: column '{file_column}' lists {', '.join(repeated)} more than once; "
                       "keep one row per image")
    missing = sorted(set(listed) - set(files))
    if missing:
        raise LabError(
            f"{table_label} lists image(s) {', '.join(missing[:3])} that are not in {folder} (lab.yaml field "
            f"'data.path'); add the files or remove their rows"
        )
    extra = sorted(set(files) - set(listed))
    if extra:
        raise LabError(
            f"{folder} holds image(s) {', '.join(extra[:3])} with no row in {table_label} (lab.yaml field "
            f"'data.labels'); add a row with their label or move the files out of the folder"
        )


def check_channels(images: list[np.ndarray], names: list[str], folder: str) -> int:
    """The one channel count of all images; LabError naming the first image that differs."""
    first = images[0].shape[0]
    for image, name in zip(images, names, strict=True):
        if image.shape[0] != first:
            raise LabError(
                f"{folder}/{name} has {image.shape[0]} channel(s) but {folder}/{names[0]} has {first}; every image "
                "needs the same channels (lab.yaml field 'data.path'), so export them alike or remove the odd ones"
            )
    return int(first)


def apply_size_policy(images: list[np.ndarray], names: list[str], policy: str, size: int | None,
                      folder: str) -> tuple[np.ndarray, dict]:
    """Stack images at one (height, width): `reject` refuses mixed sizes, `crop` keeps the centre, `resize` rescales.

    The target is `size` (square) when given, else the smallest image for crop/resize. Returns the stack
    (n, channels, height, width) in float32 and what was done.
    """
    if policy not in SIZE_POLICIES:
        raise LabError(f"lab.yaml field 'image.size_policy' is '{policy}'; use one of {', '.join(SIZE_POLICIES)}")
    shapes = [image.shape[1:] for image in images]
    distinct = sorted(set(shapes))
    if policy == "reject":
        target = (size, size) if size else shapes[0]
        odd = next((i for i, shape in enumerate(shapes) if shape != tuple(target)), None)
        if odd is not None:
            raise LabError(
                f"{folder}/{names[odd]} is {shapes[odd][0]}x{shapes[odd][1]} pixels but the images must all be "
                f"{target[0]}x{target[1]} under lab.yaml field 'image.size_policy: reject'; set it to crop or "
                "resize (with image.size) or export the images at one size"
            )
    else:
        target = (size, size) if size else (min(s[0] for s in shapes), min(s[1] for s in shapes))
    stack = np.stack([_fit(image.astype(np.float32), target, policy, name, folder) for image, name in
                      zip(images, names, strict=True)])
    info = {"policy": policy, "height": int(target[0]), "width": int(target[1]),
            "sizes_seen": [f"{h}x{w}" for h, w in distinct[:10]], "n_changed": sum(s != tuple(target) for s in shapes)}
    return stack, info


def _fit(image, target, policy, name, folder):
    height, width = image.shape[1:]
    if (height, width) == tuple(target):
        return image
    if policy == "crop":
        if height < target[0] or width < target[1]:
            raise LabError(f"{folder}/{name} is {height}x{width} pixels, smaller than the {target[0]}x{target[1]} "
                           "crop (lab.yaml field 'image.size'); lower image.size or use size_policy: resize")
        top, left = (height - target[0]) // 2, (width - target[1]) // 2
        return image[:, top : top + target[0], left : left + target[1]]
    from skimage.transform import resize

    return resize(image, (image.shape[0], *target), order=1, preserve_range=True, anti_aliasing=True).astype(
        np.float32)


def saturation_warnings(images: list[np.ndarray], names: list[str], folder: str, share: float) -> list[dict]:
    """Warn for each channel of 16-bit images where more than `share` of pixels sit at the type's maximum."""
    found = []
    for image, name in zip(images, names, strict=True):
        if image.dtype != np.uint16:
            continue
        for channel, plane in enumerate(image):
            saturated = float(np.mean(plane == np.iinfo(np.uint16).max))
            if saturated > share:
                found.append({"check": "saturation", "message": (
                    f"{folder}/{name}: channel {channel} has {saturated:.1%} of its pixels at 65535 (saturated); "
                    "intensities there are clipped, so image again with a shorter exposure or accept the loss "
                    f"(lab.yaml field 'image.saturated_share' sets this warning at {share:g})")})
    return found
