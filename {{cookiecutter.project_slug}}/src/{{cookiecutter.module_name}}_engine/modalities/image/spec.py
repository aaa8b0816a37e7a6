"""The `image:` section of lab.yaml: how a folder of microscopy images is read and learned from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ImageSpec(BaseModel):
    """How images are read (size policy), augmented and optionally started from local pretrained weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size_policy: Literal["reject", "resize", "crop"] = "reject"  # mixed sizes: refuse | rescale | centre crop
    size: int | None = Field(default=None, ge=8)  # square side in pixels; null = the images' own (smallest) size
    augment: bool = True  # flips, 90-degree rotations and a small intensity jitter while the CNN trains
    saturated_share: float = Field(default=0.01, ge=0, le=1)  # warn when more of a 16-bit channel sits at 65535
    border: int = Field(default=6, ge=1)  # pixels from the edge that count as border in the saliency check (06)
    background_margin: int = Field(default=6, ge=0)  # pixels around the cells kept with them in the background swap
    background_min_shift: float = Field(default=0.01, ge=0.0)  # other sites' backgrounds moving answers this much
    # more than the own site's (probability, or training SDs of a numeric target) flags a background shortcut (06)
    pretrained_weights: str | None = None  # local torchvision ResNet-18 state dict (.pth); never downloaded
    freeze_pretrained: bool = False  # keep the loaded ResNet layers fixed; only the new head trains
