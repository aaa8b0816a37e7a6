"""The image network's layers: a small seeded CNN with training-time augmentation, or a local ResNet-18.

Nothing here trains: nets.TorchImageCNNClassifier builds these modules and trains them with the
same seeded loop as every other network. Augmentation (random flips, 90-degree rotations and a
small per-image intensity jitter) runs inside the module while it trains and never at prediction.
"""

from __future__ import annotations

import io
from pathlib import Path

import torch
from torch import nn

from ...common.errors import LabError

PRETRAINED_FIELD = "image.pretrained_weights"


def augment(x: torch.Tensor, jitter: float = 0.1) -> torch.Tensor:
    """Random flips, 90-degree rotations and intensity jitter of a batch (n, c, h, w), from torch's seeded RNG.

    Microscopy has no up or left: a cell rotated or mirrored is the same cell, and exposure varies a little.
    """
    n = x.shape[0]
    flip = torch.rand(n, device=x.device) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    turns = torch.randint(0, 4, (n,), device=x.device)
    if x.shape[2] == x.shape[3]:
        x = torch.stack([torch.rot90(image, int(k), dims=(1, 2)) for image, k in zip(x, turns.tolist(), strict=True)])
    gain = 1.0 + jitter * (2 * torch.rand(n, 1, 1, 1, device=x.device) - 1)
    return x * gain


class ImageCNN(nn.Module):
    """Two convolution blocks (3x3, ReLU, 2x2 max pool), global average pool, small dense head.

    Filters are shared across the image (Tip 5): a cell's texture is learned once wherever it sits,
    and the global pool makes the answer independent of where cells lie.
    """

    def __init__(self, channels_in, height, width, channels=16, hidden=(32,), n_outputs=1, dropout=0.0,
                 augment=False):
        super().__init__()
        self.shape, self.augment = (int(channels_in), int(height), int(width)), bool(augment)
        width1 = max(int(channels) // 2, 4)
        self.conv = nn.Sequential(
            nn.Conv2d(self.shape[0], width1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(width1, int(channels), 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        layers, width_in = [], int(channels)
        for size in hidden:
            layers += [nn.Linear(width_in, int(size)), nn.ReLU(), nn.Dropout(float(dropout))]
            width_in = int(size)
        self.head = nn.Sequential(*layers, nn.Linear(width_in, int(n_outputs)))

    def forward(self, x):
        images = x.reshape(x.shape[0], *self.shape)
        if self.training and self.augment:
            images = augment(images)
        return self.head(self.conv(images).mean(dim=(2, 3)))


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm and a skip connection (torchvision's BasicBlock, same weight names)."""

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        skip = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + skip)


class ResNet18(nn.Module):
    """ResNet-18 (He et al. 2016) laid out exactly as torchvision's resnet18, so its saved state dict loads as is.

    Written out here because torchvision's wheels carry compiled operators tied to one torch build;
    the architecture alone needs none of them.
    """

    def __init__(self, n_outputs=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        widths, inplanes = (64, 128, 256, 512), 64
        for index, planes in enumerate(widths, start=1):
            stride = 1 if index == 1 else 2
            setattr(self, f"layer{index}", nn.Sequential(BasicBlock(inplanes, planes, stride),
                                                         BasicBlock(planes, planes)))
            inplanes = planes
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, n_outputs)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class ResNetHead(nn.Module):
    """A ResNet-18 with local weights: the first convolution averaged to the images' channels, a new head."""

    def __init__(self, channels_in, height, width, n_outputs, path, freeze=False, augment=False):
        super().__init__()
        self.shape, self.augment = (int(channels_in), int(height), int(width)), bool(augment)
        self.net = ResNet18()
        self.sha256 = load_resnet_weights(self.net, path)
        first = self.net.conv1.weight.detach().mean(dim=1, keepdim=True).repeat(1, self.shape[0], 1, 1)
        self.net.conv1 = nn.Conv2d(self.shape[0], 64, 7, stride=2, padding=3, bias=False)
        self.net.conv1.weight.data.copy_(first)
        if freeze:
            for weight in self.net.parameters():
                weight.requires_grad_(False)
        self.net.fc = nn.Linear(self.net.fc.in_features, int(n_outputs))

    def forward(self, x):
        images = x.reshape(x.shape[0], *self.shape)
        if self.training and self.augment:
            images = augment(images)
        return self.net(images)


def load_resnet_weights(net: nn.Module, path) -> str:
    """Load a local ResNet-18 state dict (as torchvision's resnet18().state_dict() is saved) into net; its sha256."""
    import hashlib

    where = f"lab.yaml field '{PRETRAINED_FIELD}': {path}"
    path = Path(path)
    if not path.is_file():
        raise LabError(f"{where} is not a file; download a ResNet-18 state dict yourself and give its path, "
                       "or set the field to null (nothing is downloaded)")
    data = path.read_bytes()
    try:
        saved = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
        net.load_state_dict(saved)
    except Exception as error:  # noqa: BLE001 - any unreadable or mismatched file is the same user mistake
        raise LabError(f"{where} is not a torchvision ResNet-18 state dict ({type(error).__name__}); give the "
                       "file torchvision's resnet18 weights were saved to, or set the field to null") from None
    return hashlib.sha256(data).hexdigest()
