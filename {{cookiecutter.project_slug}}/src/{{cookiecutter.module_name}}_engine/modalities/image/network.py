"""The image network: a small 2D CNN, or a local ResNet-18, trained by the engine's seeded trainer (Tip 5)."""

import numpy as np

from ...common.errors import LabError
from ...models.nets import TorchMLPClassifier
from .layers import ImageCNN, ResNetHead


class TorchImageCNNClassifier(TorchMLPClassifier):
    """scikit-learn classifier wrapping ImageCNN (or a local ResNet-18), with the same seeded trainer as the MLP.

    Reads flat rows of `image_shape` (channels, height, width) standardised pixels. `augment` flips,
    rotates and jitters each training batch; `pretrained` is a local torchvision ResNet-18 state dict
    (its sha256 kept in `pretrained_sha256_`), never downloaded.
    """

    def __init__(self, hidden=(32,), dropout=0.0, lr=1e-3, weight_decay=0.0, batch_size=32, epochs=100,
                 optimizer="adam", seed=0, device="cpu", early_stopping=False, patience=10, validation_fraction=0.2,
                 image_shape=(1, 64, 64), channels=16, augment=True, pretrained=None, freeze_pretrained=False):
        super().__init__(
            hidden=hidden, dropout=dropout, lr=lr, weight_decay=weight_decay, batch_size=batch_size,
            epochs=epochs, optimizer=optimizer, seed=seed, device=device, early_stopping=early_stopping,
            patience=patience, validation_fraction=validation_fraction,
        )  # fmt: skip
        self.image_shape = image_shape
        self.channels = channels
        self.augment = augment
        self.pretrained = pretrained
        self.freeze_pretrained = freeze_pretrained

    def _build_module(self, n_features, n_outputs):
        shape = tuple(int(v) for v in self.image_shape)
        if n_features != shape[0] * shape[1] * shape[2]:
            raise LabError(f"the image network expects {shape} pixels per image but got {n_features} values; "
                           "encode the images with the pipeline make_network builds.")
        self.pretrained_sha256_ = None
        if self.pretrained:
            module = ResNetHead(*shape, n_outputs, self.pretrained, bool(self.freeze_pretrained), bool(self.augment))
            self.pretrained_sha256_ = module.sha256
            return module
        if not _positive_int(self.channels):
            raise LabError(f"network channels must be a positive whole number, not {self.channels!r}; "
                           "correct it in lab.yaml.")
        return ImageCNN(*shape, int(self.channels), self._hidden_sizes(), n_outputs, float(self.dropout),
                        bool(self.augment))


def _positive_int(value):
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 1
