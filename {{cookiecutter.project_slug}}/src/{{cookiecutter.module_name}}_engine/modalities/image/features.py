"""Hand-crafted image features for the classical baselines (Tip 2), and the image checks of notebook 01.

Per channel: intensity (mean, spread, 1st/99th percentile), texture (grey-level co-occurrence
contrast, homogeneity, energy, correlation) and shape of the Otsu foreground (area share, object
count, mean area, eccentricity and solidity); plus the correlation between channels. Computed
with scikit-image once per image store; the baselines then standardise them on training rows only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

PER_CHANNEL = ("mean", "sd", "p01", "p99", "glcm_contrast", "glcm_homogeneity", "glcm_energy", "glcm_correlation",
               "foreground_share", "n_objects", "object_area", "object_eccentricity", "object_solidity")
HASH_SIDE = 16  # perceptual hash: the image shrunk to 16 x 17 and its horizontal gradient signs (256 bits)
NEAR_BITS = 24  # near duplicates differ in at most this many of the 256 bits (distinct simulated cells: 41 or more)


def feature_names(channels: int) -> list[str]:
    names = [f"ch{c}_{name}" for c in range(channels) for name in PER_CHANNEL]
    return names + [f"corr_ch{a}_ch{b}" for a in range(channels) for b in range(a + 1, channels)]


def image_features(stack: np.ndarray) -> np.ndarray:
    """Features of every image of a (n, channels, height, width) stack scaled to [0, 1]: (n, features)."""
    return np.array([_features_of(image) for image in stack], dtype=np.float64).reshape(len(stack), -1)


def _features_of(image):
    values = []
    for plane in image:
        values += _intensity(plane) + _texture(plane) + _shape(plane)
    flat = image.reshape(image.shape[0], -1)
    for a in range(len(image)):
        for b in range(a + 1, len(image)):
            spread = flat[a].std() * flat[b].std()
            values.append(float(np.corrcoef(flat[a], flat[b])[0, 1]) if spread > 0 else 0.0)
    return values


def _intensity(plane):
    return [float(plane.mean()), float(plane.std()), float(np.percentile(plane, 1)), float(np.percentile(plane, 99))]


def _texture(plane):
    from skimage.feature import graycomatrix, graycoprops

    low, high = float(plane.min()), float(plane.max())
    levels = np.zeros(plane.shape, np.uint8) if high <= low else ((plane - low) / (high - low) * 31).astype(np.uint8)
    matrix = graycomatrix(levels, [1], [0, np.pi / 2], levels=32, symmetric=True, normed=True)
    props = [float(graycoprops(matrix, prop).mean()) for prop in ("contrast", "homogeneity", "energy", "correlation")]
    return [0.0 if not np.isfinite(v) else v for v in props]


def _shape(plane):
    from skimage.filters import threshold_otsu
    from skimage.measure import label, regionprops

    if float(plane.max()) <= float(plane.min()):
        return [0.0, 0.0, 0.0, 0.0, 0.0]
    mask = plane > threshold_otsu(plane)
    regions = [r for r in regionprops(label(mask)) if r.area >= 4]
    if not regions:
        return [float(mask.mean()), 0.0, 0.0, 0.0, 0.0]
    return [float(mask.mean()), float(len(regions)), float(np.mean([r.area for r in regions])),
            float(np.mean([r.eccentricity for r in regions])), float(np.mean([r.solidity for r in regions]))]


class ImageFeatures(TransformerMixin, BaseEstimator):
    """Hand-crafted features of an ImageFrame's images (nothing is fitted: each image on its own)."""

    def fit(self, X, y=None):
        self.names_ = feature_names(X.image_shape[0])
        return self

    def transform(self, X):
        return X.features()

    def get_feature_names_out(self, input_features=None):
        return np.array(self.names_, dtype=object)


def make_image_preprocessor(X):
    """Hand-crafted features, standardised on the training rows (the classical models' input)."""
    return Pipeline([("features", ImageFeatures()), ("scale", StandardScaler())])


class ImagePixels(TransformerMixin, BaseEstimator):
    """Pixels as flat rows for the CNN, each channel standardised with its training mean and spread."""

    def fit(self, X, y=None):
        pixels = X.pixels()
        self.shape_ = tuple(int(v) for v in pixels.shape[1:])
        self.mean_ = pixels.mean(axis=(0, 2, 3)).astype(np.float32)
        self.scale_ = np.maximum(pixels.std(axis=(0, 2, 3)), 1e-6).astype(np.float32)
        return self

    def transform(self, X):
        pixels = X.pixels()
        scaled = (pixels - self.mean_[None, :, None, None]) / self.scale_[None, :, None, None]
        return np.ascontiguousarray(scaled.reshape(len(pixels), -1), dtype=np.float32)


# notebook 01: what is in the images -----------------------------------------------------------
def perceptual_hashes(stack: np.ndarray) -> np.ndarray:
    """A 256-bit difference hash of each image (channels averaged): near-identical images share most bits."""
    from skimage.transform import resize

    hashes = []
    for image in stack:
        small = resize(image.mean(axis=0), (HASH_SIDE, HASH_SIDE + 1), order=1, anti_aliasing=True)
        hashes.append((small[:, 1:] > small[:, :-1]).ravel())
    return np.array(hashes, dtype=bool)


def duplicate_images(stack: np.ndarray, max_bits: int = NEAR_BITS) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Groups of pixel-identical images, and near-duplicate pairs (perceptual hashes within `max_bits` bits)."""
    exact: dict[bytes, list[int]] = {}
    for index, image in enumerate(stack):
        exact.setdefault(np.ascontiguousarray(image).tobytes(), []).append(index)
    groups = [rows for rows in exact.values() if len(rows) > 1]
    group_of = {row: number for number, rows in enumerate(groups) for row in rows}
    bits = perceptual_hashes(stack)
    distance = (bits[:, None, :] != bits[None, :, :]).sum(axis=2)
    pairs = [(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(distance <= max_bits, k=1)), strict=True)
             if group_of.get(int(i), -1) != group_of.get(int(j), -2)]
    return groups, pairs


def intensity_table(stack: np.ndarray, by: np.ndarray, name: str) -> pd.DataFrame:
    """Mean intensity of each channel (share of the bit depth's range) per value of `by` (label or site)."""
    means = stack.mean(axis=(2, 3))
    frame = pd.DataFrame(means, columns=[f"channel {c}" for c in range(stack.shape[1])])
    frame[name] = by
    return frame.groupby(name).mean().round(4)


def image_overview(info: dict, counts: dict[str, int], floor: int) -> dict:
    """Images counted against the floor (per class, or all of them for a number), size and channels (notebook 00)."""
    return {"images_per_class": dict(counts), "floor": int(floor),
            "below_floor": [str(k) for k, v in counts.items() if v < floor],
            "size": f"{info['height']}x{info['width']}", "channels": int(info["channels"]),
            "bit_depth": info["bit_depth"], "size_policy": info["policy"], "sizes_seen": info["sizes_seen"]}
