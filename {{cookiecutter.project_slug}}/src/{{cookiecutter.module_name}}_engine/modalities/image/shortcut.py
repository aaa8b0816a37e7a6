"""Does the image network read how an image was taken? A background-swap intervention (Tip 9).

Attribution shares say where a network's gradients fall, not whether its answer depends on it. This
check changes the input instead: each tune image keeps its cells (the Otsu foreground of the summed
channels, widened by `margin` pixels so the cytoplasm around a nucleus stays too) and takes the
background of another image — from another site (the intervention) or from the same site (the
control, which moves the answer only through what the mask misses and the noise). A network that
reads the cells barely moves under either; one that reads illumination, vignetting or a site's
background moves much more when the background comes from another site. How far an answer moves is
the total-variation distance between class probabilities (a classifier) or the change of the
prediction in training standard deviations of the target (a regressor).
"""

from __future__ import annotations

import numpy as np

from ...common.errors import LabError

DONORS = 3  # backgrounds taken per image from other sites, and again from its own site
BOOTSTRAP = 1000  # resamples of images behind the interval of the excess shift


def background_masks(pixels: np.ndarray, margin: int) -> np.ndarray:
    """Per image (n, height, width): True on background, i.e. farther than `margin` pixels from any cell."""
    from scipy.ndimage import binary_dilation
    from skimage.filters import threshold_otsu

    if int(margin) < 0:
        raise LabError(f"lab.yaml field 'image.background_margin' is {margin}; give 0 or more pixels")
    total = pixels.sum(axis=1)
    masks = []
    for plane in total:
        cells = plane > threshold_otsu(plane) if plane.max() > plane.min() else np.zeros(plane.shape, bool)
        if int(margin) and cells.any():
            cells = binary_dilation(cells, structure=np.ones((3, 3), bool), iterations=int(margin))
        masks.append(~cells)
    return np.array(masks, dtype=bool)


def network_outputs(model, pixels: np.ndarray) -> np.ndarray:
    """The fitted image network's answers for raw pixels (n, c, h, w): class probabilities, or z-scored predictions."""
    prep, network = model[:-1], model[-1]
    scaler = prep[-1] if hasattr(prep, "__getitem__") else prep
    if not hasattr(scaler, "mean_") or not hasattr(network, "module_"):
        raise LabError("the background swap needs a fitted image network Pipeline; build it with make_network.")
    scaled = (pixels - scaler.mean_[None, :, None, None]) / scaler.scale_[None, :, None, None]
    features = np.ascontiguousarray(scaled.reshape(len(pixels), -1), dtype=np.float32)
    if hasattr(network, "target_scale_"):  # a regression head: predictions in training standard deviations
        return (np.asarray(network.predict(features), dtype=np.float64) / network.target_scale_).reshape(-1, 1)
    return np.asarray(network.predict_proba(features), dtype=np.float64)


def _shift(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """How far answers moved: total variation of probabilities, or |change| of a single z-scored output."""
    moved = np.abs(after - before)
    return moved[:, 0] if moved.shape[1] == 1 else 0.5 * moved.sum(axis=1)


def _donors(groups: np.ndarray, rng: np.random.Generator) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """For each image, up to DONORS other images of its own group and DONORS of other groups (seeded)."""
    same, other = [], []
    everyone = np.arange(len(groups))
    for row, group in enumerate(groups):
        mine = everyone[(groups == group) & (everyone != row)]
        theirs = everyone[groups != group]
        same.append(rng.choice(mine, min(DONORS, len(mine)), replace=False) if len(mine) else mine)
        other.append(rng.choice(theirs, min(DONORS, len(theirs)), replace=False) if len(theirs) else theirs)
    return same, other


def _swapped_shifts(model, pixels, masks, base, donors):
    """Mean shift of each image's answer over its donors' backgrounds (NaN when it has none)."""
    rows, images = [], []
    for row, chosen in enumerate(donors):
        for donor in chosen:
            where = (masks[row] & masks[donor])[None]
            images.append(np.where(where, pixels[donor], pixels[row]))
            rows.append(row)
    shifts = np.full(len(pixels), np.nan)
    if not images:
        return shifts
    rows = np.array(rows)
    moved = _shift(base[rows], network_outputs(model, np.stack(images).astype(np.float32)))
    for row in np.unique(rows):
        shifts[row] = float(moved[rows == row].mean())
    return shifts


def background_swap(model, X, groups, margin: int, min_shift: float, seed: int = 0, group_name: str = "group") -> dict:
    """Swap backgrounds between sites and within a site; flag when other sites' move the answers further.

    The excess is the mean shift from other sites' backgrounds minus the mean shift from the image's
    own site's (the control: same illumination, other noise and mask edges). Flagged when the excess
    is at least `min_shift` (probability, or training standard deviations of a numeric target) and
    its 95% bootstrap interval over images lies above zero. Returns the figures, the interval, the
    mean shift per group and the background's share of pixels.
    """
    groups = np.asarray(groups, dtype=str)
    if len(set(groups)) < 2:
        return {"measured": False, "reason": f"the {group_name} column has fewer than two values among tune images"}
    pixels = np.asarray(X.pixels(), dtype=np.float32)
    masks = background_masks(pixels, margin)
    base = network_outputs(model, pixels)
    rng = np.random.default_rng(seed)
    same_donors, other_donors = _donors(groups, rng)
    same = _swapped_shifts(model, pixels, masks, base, same_donors)
    other = _swapped_shifts(model, pixels, masks, base, other_donors)
    paired = np.isfinite(same) & np.isfinite(other)
    if paired.sum() < 2:
        return {"measured": False, "reason": f"too few tune images share a {group_name} with another image"}
    excess = other[paired] - same[paired]
    draws = rng.integers(0, len(excess), (BOOTSTRAP, len(excess)))
    low, high = np.percentile(excess[draws].mean(axis=1), [2.5, 97.5])
    same_mean, other_mean = float(same[paired].mean()), float(other[paired].mean())
    flagged = bool(other_mean - same_mean >= float(min_shift) and low > 0)
    by_group = {str(g): round(float(np.nanmean(other[groups == g])), 6) for g in sorted(set(groups))
                if np.isfinite(other[groups == g]).any()}
    return {
        "measured": True, "grouped_by": group_name, "images": int(paired.sum()), "donors_per_image": DONORS,
        "margin_pixels": int(margin), "background_pixel_share": round(float(masks.mean()), 6),
        "unit": "training standard deviations of the target" if base.shape[1] == 1
        else "total-variation distance between class probabilities",
        "shift_same_group": round(same_mean, 6), "shift_other_group": round(other_mean, 6),
        "excess": round(other_mean - same_mean, 6), "excess_ci95": [round(float(low), 6), round(float(high), 6)],
        "ratio": round(other_mean / same_mean, 6) if same_mean > 0 else None,
        "threshold_min_shift": float(min_shift), "flagged": flagged,
        "shift_by_group": by_group,
    }


def swap_sentence(result: dict) -> str:
    """The notebook's line on the background swap."""
    if not result.get("measured"):
        return f"background swap: not measured ({result.get('reason')})"
    ratio = "n/a" if result["ratio"] is None else f"{result['ratio']:.2f}x"
    limit = f"flagged at an excess of {result['threshold_min_shift']:g} with its interval above 0"
    return (f"background swap ({result['images']} tune images, {result['donors_per_image']} donors each; background "
            f"{result['background_pixel_share']:.0%} of pixels): answers moved {result['shift_other_group']:.3f} "
            f"with another {result['grouped_by']}'s background against {result['shift_same_group']:.3f} with their "
            f"own {result['grouped_by']}'s ({ratio}; excess {result['excess']:+.3f}, 95% interval "
            f"{result['excess_ci95'][0]:+.3f} to {result['excess_ci95'][1]:+.3f}; {result['unit']}; {limit})"
            + (" — FLAGGED: the network reads the background" if result["flagged"] else "")
            + f"\n  shift with other {result['grouped_by']}s' backgrounds, by {result['grouped_by']}: "
            + ", ".join(f"{group} {shift:.3f}" for group, shift in result["shift_by_group"].items()))


def swap_groups(cfg, root, data, files) -> tuple[np.ndarray | None, str | None]:
    """Where each image in `files` was taken: the group column (site, plate), else the first metadata column."""
    name = cfg.data.group_column or next(iter(cfg.data.metadata_columns), None)
    if name is None:
        return None, None
    if name == cfg.data.group_column:
        values = data.groups
    else:
        from .loading import image_table

        values = image_table(cfg, root)[0][name].to_numpy()  # the label table, in the images' order
    where = dict(zip(map(str, data.ids), map(str, values), strict=True))
    return np.array([where[str(f)] for f in files]), name


def check_background(model, X, cfg, root, data, seed) -> dict:
    """background_swap with lab.yaml's image settings and the study's site column (notebook 06)."""
    groups, name = swap_groups(cfg, root, data, X["file"].to_numpy())
    if groups is None:
        return {"measured": False, "reason": "no data.group_column or data.metadata_columns says where images were "
                                             "taken, so backgrounds cannot be swapped between sites"}
    spec = cfg.image
    return background_swap(model, X, groups, spec.background_margin, spec.background_min_shift, seed, name)
