"""Where an image network looks: integrated-gradients saliency maps and the border/background shortcut check (Tip 9).

Integrated gradients (captum) give every pixel of every channel a share of the network's output,
from a baseline at the training mean (zero after standardisation). Attribution that piles up on the
image border or on the background, rather than on the cells, says the network reads how the image
was taken (vignetting, illumination, the site) instead of the biology.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...common.errors import LabError

BORDER_EXCESS = 1.5  # border attribution share this many times the border's share of pixels is flagged
BACKGROUND_EXCESS = 1.5  # the same for background pixels


def image_attributions(model, X, n_steps=32) -> tuple[np.ndarray, dict]:
    """Integrated gradients (n, channels, height, width) of the one output (a number; binary) or the predicted class."""
    import torch
    from captum.attr import IntegratedGradients

    prep, network = model[:-1], model[-1]
    if not hasattr(network, "module_"):
        raise LabError("image saliency needs a fitted image network Pipeline; build it with make_network.")
    inputs = torch.as_tensor(np.asarray(prep.transform(X), dtype=np.float32))
    device = next(network.module_.parameters()).device
    inputs = inputs.to(device)
    network.module_.eval()
    with torch.no_grad():
        logits = network.module_(inputs)
    target = 0 if logits.shape[1] == 1 else logits.argmax(dim=1)
    attributions, delta = IntegratedGradients(network.module_).attribute(
        inputs, baselines=torch.zeros_like(inputs), target=target, n_steps=int(n_steps),
        return_convergence_delta=True,
    )
    shape = (len(X), *X.image_shape)
    deltas = np.abs(delta.detach().cpu().numpy().astype(np.float64))
    convergence = {"max_abs_delta": round(float(deltas.max()), 6), "mean_abs_delta": round(float(deltas.mean()), 6),
                   "n_steps": int(n_steps)}
    return attributions.detach().cpu().numpy().astype(np.float64).reshape(shape), convergence


def region_masks(pixels: np.ndarray, border: int) -> dict[str, np.ndarray]:
    """Per image: the border ring (`border` pixels wide); inside it, foreground (Otsu, channels summed), background."""
    from skimage.filters import threshold_otsu

    n, _, height, width = pixels.shape
    if 2 * int(border) >= min(height, width):
        raise LabError(f"lab.yaml field 'image.border' is {border} pixels, too wide for {height}x{width} images; "
                       "lower it")
    ring = np.ones((height, width), bool)
    ring[border : height - border, border : width - border] = False
    total = pixels.sum(axis=1)
    foreground = np.array([plane > threshold_otsu(plane) if plane.max() > plane.min() else np.zeros_like(plane, bool)
                           for plane in total])
    inner = ~ring[None]
    return {"border": np.broadcast_to(ring, (n, height, width)), "foreground": foreground & inner,
            "background": ~foreground & inner}


def region_table(attributions: np.ndarray, pixels: np.ndarray, border: int) -> pd.DataFrame:
    """Share of |attribution| per channel and region (border, foreground, background), 95% interval over images."""
    from ...interpretation.tables import importance_frame

    masks = region_masks(pixels, border)
    magnitude = np.abs(attributions)
    total = magnitude.sum(axis=(1, 2, 3))
    total[total == 0] = 1.0
    names, shares = [], []
    for channel in range(attributions.shape[1]):
        for region, mask in masks.items():
            names.append(f"channel {channel} · {region}")
            shares.append((magnitude[:, channel] * mask).sum(axis=(1, 2)) / total)
    return importance_frame(names, np.stack(shares))


def shortcut_shares(attributions: np.ndarray, pixels: np.ndarray, border: int) -> dict:
    """Attribution on the border and on the background against those regions' pixel shares; flagged when far above."""
    masks = region_masks(pixels, border)
    magnitude = np.abs(attributions).sum(axis=1)
    total = max(float(magnitude.sum()), 1e-12)
    result = {"border_pixels": border}
    for region, excess in (("border", BORDER_EXCESS), ("background", BACKGROUND_EXCESS)):
        share = float((magnitude * masks[region]).sum()) / total
        area = float(masks[region].mean())
        ratio = share / area if area else float("nan")
        result[region] = {"attribution_share": round(share, 6), "pixel_share": round(area, 6),
                          "ratio": round(ratio, 6), "threshold": excess, "flagged": bool(ratio >= excess)}
    result["flagged"] = bool(result["border"]["flagged"] or result["background"]["flagged"])
    return result


def saliency_figure(pixels: np.ndarray, attributions: np.ndarray, examples: list[dict], ids):
    """Each example: its image (channels as red/green) and its attribution magnitude drawn over it."""
    import matplotlib.pyplot as plt

    n = max(len(examples), 1)
    figure, axes = plt.subplots(2, n, figsize=(1.6 * n, 3.6), squeeze=False)
    for column, example in enumerate(examples):
        row = example["row"]
        image = _as_rgb(pixels[row])
        heat = np.abs(attributions[row]).sum(axis=0)
        axes[0, column].imshow(image)
        axes[1, column].imshow(image.mean(axis=2), cmap="gray")
        axes[1, column].imshow(heat / max(float(heat.max()), 1e-12), cmap="magma", alpha=0.6)
        mark = example.get("mark") or ("right" if example["correct"] else "WRONG")
        axes[0, column].set_title(f"{example['label']}\n{mark}", fontsize=7)
        axes[1, column].set_xlabel(str(ids[row])[:14], fontsize=6)
    for axis in axes.ravel():
        axis.set_xticks([])
        axis.set_yticks([])
    axes[0, 0].set_ylabel("image", fontsize=7)
    axes[1, 0].set_ylabel("|attribution|", fontsize=7)
    figure.tight_layout()
    return figure


def _as_rgb(image):
    channels = image.shape[0]
    rgb = np.zeros((*image.shape[1:], 3))
    for channel in range(min(channels, 3)):
        plane = image[channel]
        spread = float(plane.max() - plane.min())
        rgb[..., channel] = (plane - plane.min()) / spread if spread else 0.0
    if channels == 1:
        rgb[..., 1] = rgb[..., 2] = rgb[..., 0]
    return rgb


# notebook 06 -----------------------------------------------------------------------------------
IG_BASELINE = "training mean of the preprocessed inputs (zero for standardised columns)"
IG_SUMMARY = "mean absolute attribution per original column over tune samples"


def image_importance(cfg, models, baseline, X_tune, y_tune, repeats, seed, view):
    """The baseline's permutation importance over the hand-crafted features; the network's integrated gradients
    summed by channel and region (border ring, cells, background)."""
    from ...common.names import NETWORK
    from ...common.sections import Section
    from ...evaluation.scale import Progress
    from ...interpretation.importance import permutation_importance_table

    steps = Progress(2, "06 importance tables")  # progress here and in the run's terminal log
    steps.begin(f"{baseline} · permutation")
    tables = {f"{baseline} · permutation": permutation_importance_table(models[baseline], X_tune, y_tune, repeats,
                                                                       seed, scoring=view.scoring, derived=True)}
    steps.begin(f"{NETWORK} · integrated gradients")
    attributions, convergence = image_attributions(models[NETWORK], X_tune)
    gradients = region_table(attributions, X_tune.pixels(), cfg.image.border)
    steps.close()
    return Section(values={"tables": tables, "gradients": gradients, "convergence": convergence,
                           "ig_baseline": IG_BASELINE, "ig_summary": IG_SUMMARY, "attributions": attributions})


def saliency_section(cfg, root, data, models, X_tune, y_tune, found, view, seed):
    """Saliency maps of right and wrong (or best and worst predicted) tune images, where the attribution
    falls, and the background swap (an intervention): does the network read the cells or how they were imaged?"""
    from ...common.names import NETWORK
    from ...common.sections import Section
    from .shortcut import check_background, swap_sentence

    attributions = found["attributions"]
    examples = view.examples(models[NETWORK], X_tune, y_tune)
    tune_pixels = X_tune.pixels()
    saliency = {"examples": [{**e, "file": str(X_tune["file"].iloc[e["row"]])} for e in examples],
                "shortcut": shortcut_shares(attributions, tune_pixels, cfg.image.border),
                "regions": found["gradients"].to_dict(orient="records"),
                "background_swap": check_background(models[NETWORK], X_tune, cfg, root, data, seed)}
    figure = saliency_figure(tune_pixels, attributions, examples, X_tune["file"].to_numpy())
    lines = []
    for region in ("border", "background"):
        share = saliency["shortcut"][region]
        lines.append(f"{region}: {share['attribution_share']:.1%} of attribution on {share['pixel_share']:.1%} of "
                     f"pixels (ratio {share['ratio']:.2f}{', FLAGGED' if share['flagged'] else ''})")
    lines.append(swap_sentence(saliency["background_swap"]))
    return Section(lines=lines, figures=[("06_saliency", figure)], values={"motif": None, "saliency": saliency})


def comparable_tables(tables: dict) -> dict:
    """Only the network's tables name the same things (regions); the baseline's name hand-crafted features."""
    from ...common.names import NETWORK

    return {name: table for name, table in tables.items() if name.startswith(NETWORK)}


def image_seed_importance(cfg, network, X_tune):
    """One refitted network's attributions summed by channel and region."""
    return {"integrated gradients": region_table(image_attributions(network, X_tune)[0], X_tune.pixels(),
                                                 cfg.image.border)}, None
